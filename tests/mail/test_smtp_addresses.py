"""The listener reads MAIL FROM and RCPT TO paths exactly as aiosmtpd does, through a
shortcut for plain `<local@domain>` paths: same address, same parameters, same refusals."""

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from klient.mail.smtp import _KlientSMTP


def servers(local_part_limit: int = 0) -> tuple[SMTP, SMTP]:
    """aiosmtpd's protocol and ours, without a connection: path parsing needs none."""
    made = []
    for cls in (SMTP, _KlientSMTP):
        server = cls.__new__(cls)
        server.local_part_limit = local_part_limit
        made.append(server)
    return made[0], made[1]


ATOM_CHARS = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
TRICKY = ' .@<>()"[]\\\t,;:é'

local_parts = st.text(alphabet=ATOM_CHARS + ".", min_size=1, max_size=12) | st.text(
    alphabet=ATOM_CHARS + TRICKY, max_size=12
)
domains = st.text(alphabet="abc-019.", min_size=1, max_size=12) | st.text(
    alphabet="abc.-[]19 é", max_size=10
)
parameters = st.sampled_from(
    ["", " SIZE=2048", " BODY=8BITMIME SIZE=10", "  SIZE=1", " (comment) SIZE=1", "\tSIZE=1"]
) | st.text(alphabet="SIZE=01 ()\t<>é", max_size=10)
paths = st.builds(
    lambda lead, local, domain, params, bracket: (
        f"{lead}<{local}@{domain}>{params}" if bracket else f"{lead}{local}@{domain}{params}"
    ),
    st.sampled_from(["", " ", "\t"]),
    local_parts,
    domains,
    parameters,
    st.booleans(),
)


def outcome(server: SMTP, arg: str) -> object:
    """The answer, or the kind of exception raised (aiosmtpd's parser fails on a few inputs,
    such as a lone "<"; ours must fail alike, leaving aiosmtpd's error reply unchanged)."""
    try:
        return server._getaddr(arg)
    except Exception as exc:
        return type(exc)


@settings(max_examples=3000, deadline=None)
@given(arg=paths | st.text(max_size=30), limit=st.sampled_from([0, 3, 64]))
def test_any_path_is_read_as_aiosmtpd_reads_it(arg, limit):
    theirs, ours = servers(limit)

    assert outcome(ours, arg) == outcome(theirs, arg)


@pytest.mark.parametrize(
    "arg, expected",
    [
        ("<ola@klientka.pl> SIZE=2048", ("ola@klientka.pl", "SIZE=2048")),
        ("<support+K-1042@shop.example>", ("support+K-1042@shop.example", "")),
        (
            "<jan.kowalski@firma.com.pl> BODY=8BITMIME",
            ("jan.kowalski@firma.com.pl", "BODY=8BITMIME"),
        ),
        ("<ola@klientka.pl.>", (None, None)),
        ('<"Ola Nowak"@klientka.pl>', ('"Ola Nowak"@klientka.pl', "")),
        ("<>", ("<>", "")),
    ],
)
def test_common_paths(arg, expected):
    theirs, ours = servers()

    assert ours._getaddr(arg) == expected == theirs._getaddr(arg)
