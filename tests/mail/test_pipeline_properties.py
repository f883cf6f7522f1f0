"""No email, however malformed, crashes the pipeline: each one ends as a stored message
or in quarantine with a reason — never lost, never stuck."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.mail import actions
from klient.mail.models import InboundMail

CHARSETS = ["utf-8", "iso-8859-2", "windows-1250", "koi8-u", "x-unknown-9", "", "utf-7", "gb2312"]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"]

header_text = st.binary(max_size=80).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@st.composite
def malformed_emails(draw) -> bytes:
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    boundary = draw(st.text(alphabet="abc=_-", min_size=0, max_size=8))
    headers = [
        b"From: "
        + draw(st.sampled_from([b"ola@klientka.pl", b"", b"<>", b"=?utf-8?b?!!?= <x@y>"]))
        + draw(header_text),
        b"To: support@shop.example",
        b"Subject: " + draw(header_text),
        b"Message-ID: <" + draw(header_text) + b">",
        b"In-Reply-To: " + draw(header_text),
        b"Content-Type: "
        + draw(
            st.sampled_from(
                [
                    f"text/plain; charset={charset}".encode(),
                    f'multipart/mixed; boundary="{boundary}"'.encode(),
                    f'multipart/alternative; boundary="{boundary}"'.encode(),
                    b"multipart/report; report-type=delivery-status",
                    b"text/html",
                    b"garbage/////",
                ]
            )
        ),
        b"Content-Transfer-Encoding: " + encoding.encode(),
    ]
    body = draw(st.binary(max_size=400))
    parts = b""
    if draw(st.booleans()):
        parts = (
            f"--{boundary}\r\nContent-Type: text/plain; charset={charset}\r\n\r\n".encode()
            + draw(st.binary(max_size=200))
            + (b"\r\n--" + boundary.encode() + b"--" if draw(st.booleans()) else b"")
        )
    keep = draw(st.lists(st.booleans(), min_size=len(headers), max_size=len(headers)))
    head = b"\r\n".join(h for h, k in zip(headers, keep, strict=True) if k)
    return head + b"\r\n\r\n" + body + parts


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.one_of(malformed_emails(), st.binary(max_size=300)))
def test_every_email_ends_stored_or_quarantined_with_a_reason(support_team, raw):
    inbound, created = actions.accept_raw(
        raw, source="smtp", envelope_to=["support@shop.example"], team_id=support_team.pk
    )
    if created:
        actions.process_inbound(inbound.pk)
    inbound.refresh_from_db()

    assert inbound.state in (InboundMail.State.DONE, InboundMail.State.QUARANTINED)
    if inbound.state == InboundMail.State.QUARANTINED:
        assert inbound.reason
        # A reason from the pipeline, not a crash caught at the last line of defence.
        assert not re.match(r"^[A-Z]\w+(Error|Exception):", inbound.reason), inbound.reason
    else:
        assert inbound.message_id is not None


def test_a_message_id_with_8_bit_bytes_falls_back_to_the_hash_of_the_mail(support_team):
    raw = (
        b"From: ola@klientka.pl\r\nTo: support@shop.example\r\nSubject: x\r\n"
        b"Message-ID: <\xa8\x8b\x04@\x9aD>\r\n\r\nTre\xb6\xe6\r\n"
    )
    inbound, _ = actions.accept_raw(raw, source="smtp", team_id=support_team.pk)

    assert actions.process_inbound(inbound.pk) == "stored"
    inbound.refresh_from_db()
    assert inbound.message.message_id.endswith("@sha256.klient>")
