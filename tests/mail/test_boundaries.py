"""The boundary matcher given to the stdlib's feed parser behaves exactly as the regular
expression the feed parser would have compiled, on any boundary and any line."""

from __future__ import annotations

import email.feedparser
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from klient.mail import boundaries
from klient.mail.parsing import parse

BOUNDARY_CHARS = st.characters(codec="utf-8", exclude_characters="\r\n")
PIECES = st.sampled_from(["--", " ", "\t", "\r\n", "\r", "\n", "x", "-", "\\", "$"])


def feedparser_pattern(boundary: str) -> str:
    # As email.feedparser builds it.
    return "(?P<sep>" + re.escape("--" + boundary) + boundaries.SUFFIX


@settings(max_examples=3000, deadline=None)
@given(
    boundary=st.text(BOUNDARY_CHARS, min_size=1, max_size=20),
    before=st.sampled_from(["", "--", "-", " --"]),
    tail=st.lists(PIECES, max_size=5),
    use_boundary=st.booleans(),
)
def test_a_line_matches_the_boundary_exactly_when_the_regular_expression_does(
    boundary, before, tail, use_boundary
):
    pattern = feedparser_pattern(boundary)
    line = before + (boundary if use_boundary else boundary[:-1]) + "".join(tail)

    expected = re.compile(pattern).match(line)
    found = boundaries.matcher_for(pattern).match(line)

    assert (found is None) == (expected is None), repr(line)
    if expected is not None:
        for group in ("sep", "end", "ws", "linesep"):
            assert found.group(group) == expected.group(group), (group, repr(line))
        assert found.group(0) == expected.group(0)


def test_only_the_feedparser_boundary_pattern_is_replaced():
    assert boundaries.matcher_for(r"(?P<sep>--a)(?P<end>--)?") is None
    assert boundaries.matcher_for("(?P<sep>" + "--a.b" + boundaries.SUFFIX) is None  # unescaped
    assert boundaries.matcher_for(feedparser_pattern("a.b")).separator == "--a.b"
    assert email.feedparser.re.compile(r"\d+").match("42")  # other patterns: plain re
    installed = email.feedparser.re.compile(feedparser_pattern("b1"))
    assert isinstance(installed, boundaries.BoundaryMatcher)


def test_a_multipart_mail_with_an_unusual_boundary_is_parsed_into_its_parts():
    boundary = "=_Part+(1).x:y?z'a,b/c"  # every special character RFC 2046 allows
    raw = (
        "From: Ola <ola@example.com>\r\n"
        "To: support@shop.example\r\n"
        "Subject: Faktura\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        "preamble\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Dzień dobry, proszę o korektę faktury.\r\n"
        f"--{boundary} \t\r\n"
        "Content-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="faktura.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "JVBERi0xLjQK\r\n"
        f"--{boundary}--\r\n"
        "epilogue\r\n"
    ).encode()

    parsed = parse(raw)

    assert parsed.text.strip() == "Dzień dobry, proszę o korektę faktury."
    assert [a.filename for a in parsed.attachments] == ["faktura.pdf"]
    assert parsed.attachments[0].data == b"%PDF-1.4\n"
