"""Properties: parse() never fails with anything but MailParseError; filenames stay clean."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.mail.filenames import normalise_filename
from klient.mail.parsing import MailParseError, ParsedMail, parse

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHARSET_LABELS = st.sampled_from(
    ["utf-8", "iso-8859-2", "windows-1250", "koi8-u", "windows-1251", "iso-8859-15", "us-ascii",
     "x-unknown-9", "", '"utf-8', "base64", "unicode_escape", "utf-16", "gb2312", "utf-8*pl"]
)  # fmt: skip
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
HEADER_BYTES = st.binary(max_size=60).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b" "))
BOUNDARY = st.text(alphabet="abcXYZ019-_=.'\"() ", min_size=0, max_size=12)


def _parse_or_error(raw: bytes) -> None:
    try:
        result = parse(raw)
    except MailParseError as error:
        assert "unexpected parser failure" not in str(error), str(error)
        return
    assert isinstance(result, ParsedMail)
    assert isinstance(result.text, str)
    assert isinstance(result.subject, str)
    assert "\x00" not in result.text
    assert result.date is None or result.date.tzinfo is not None
    assert all(a.filename and "/" not in a.filename for a in result.attachments)


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_parsed_mail_or_mail_parse_error(raw):
    _parse_or_error(raw)


@st.composite
def encoded_word(draw) -> str:
    charset = draw(CHARSET_LABELS)
    encoding = draw(st.sampled_from("QqBbX"))
    payload = draw(st.text(alphabet="=?_ABCabc019+/é\t", max_size=16))
    return f"=?{charset}?{encoding}?{payload}?="


@st.composite
def malformed_email(draw) -> bytes:
    boundary = draw(BOUNDARY)
    used_boundary = draw(st.one_of(st.just(boundary), BOUNDARY))
    headers = [
        b"From: "
        + draw(st.sampled_from([b"", b"Bob <b@example.com>", b"x", b"<", b'"=?']))
        + draw(st.one_of(st.just(""), encoded_word())).encode()
        + draw(HEADER_BYTES),
        b"Subject: " + draw(HEADER_BYTES) + draw(encoded_word()).encode(),
        b"Date: "
        + draw(
            st.sampled_from(
                [
                    b"Tue, 19 Mar 2024 10:00:00 +0100",
                    b"garbage",
                    b"",
                    b"Mon, 99 Foo 99999 99:99:99 +9999",
                ]
            )
        ),
        b"Message-ID: " + draw(HEADER_BYTES),
        b"Content-Type: "
        + draw(
            st.sampled_from(
                [
                    b"multipart/mixed",
                    b"multipart/alternative",
                    b"text/plain",
                    b"multipart/report; report-type=delivery-status",
                    b"text/html",
                    b"message/rfc822",
                    b"application/octet-stream",
                    b"junk",
                ]
            )
        )
        + b'; boundary="'
        + boundary.encode()
        + b'"; charset='
        + draw(CHARSET_LABELS).encode(),
    ]
    headers = draw(st.permutations(headers))
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        ctype = draw(
            st.sampled_from(
                [
                    b"text/plain",
                    b"text/html",
                    b"message/delivery-status",
                    b"message/rfc822",
                    b"image/png",
                    b"multipart/mixed",
                    b"text/rfc822-headers",
                ]
            )
        )
        cte = draw(st.sampled_from([b"base64", b"quoted-printable", b"8bit", b"x-bogus", b""]))
        filename = draw(
            st.sampled_from(
                [
                    b"",
                    b"; filename*=utf-8''%E2%80%AEa.exe",
                    b'; filename="=?koi8-u?B?8sXQ?="',
                    b"; filename*0*=x'",
                    b'; filename="\xff\xfe/../a"',
                ]
            )
        )
        parts.append(
            b"--"
            + used_boundary.encode()
            + b"\r\nContent-Type: "
            + ctype
            + b"; charset="
            + draw(CHARSET_LABELS).encode()
            + b"\r\nContent-Transfer-Encoding: "
            + cte
            + b"\r\nContent-Disposition: attachment"
            + filename
            + b"\r\n\r\n"
            + draw(st.binary(max_size=120))
            + b"\r\n"
        )
    body = b"".join(parts) + draw(st.sampled_from([b"", b"--" + used_boundary.encode() + b"--"]))
    raw = b"\r\n".join(headers) + b"\r\n\r\n" + body
    cut = draw(st.integers(0, len(raw)))
    return raw if draw(st.booleans()) else raw[:cut]  # sometimes truncated


@SETTINGS
@given(malformed_email())
def test_structured_but_malformed_emails_give_parsed_mail_or_mail_parse_error(raw):
    _parse_or_error(raw)


@SETTINGS
@given(st.text(max_size=300))
def test_normalised_filenames_are_clean_and_normalising_is_idempotent(name):
    clean = normalise_filename(name)
    assert clean
    assert len(clean) <= 200
    assert "/" not in clean and "\\" not in clean
    assert not clean.startswith(".")
    for ch in clean:
        category = unicodedata.category(ch)
        assert category not in ("Cc", "Cf", "Cs", "Co", "Cn"), repr(ch)
        assert not (0x200B <= ord(ch) <= 0x200F or 0x202A <= ord(ch) <= 0x202E), repr(ch)
        assert not (0x2066 <= ord(ch) <= 0x2069 or ord(ch) in (0x2060, 0xFEFF)), repr(ch)
    assert normalise_filename(clean) == clean


@SETTINGS
@given(st.binary(max_size=40), st.binary(max_size=40))
def test_nul_bytes_never_reach_text_fields(name_bytes, id_bytes):
    raw = (
        b"From: " + name_bytes.replace(b"\n", b"") + b" <a\x00b@example.com>\r\n"
        b"Message-ID: <"
        + id_bytes.replace(b"\n", b"")
        + b"\x00@x>\r\nSubject: a\x00b\r\n\r\nc\x00d"
    )
    try:
        parsed = parse(raw)
    except MailParseError:
        return
    fields = [parsed.from_address, parsed.from_name, parsed.subject, parsed.text, *parsed.to]
    assert not any("\x00" in field for field in fields)
    assert parsed.message_id is None or "\x00" not in parsed.message_id


HEADER_LINES = st.lists(
    st.sampled_from(
        [b"From: Ola <ola@klientka.example>", b"Subject: Zam\xf3wienie", b"To: a@b.example",
         b"Content-Type: text/plain; charset=iso-8859-2", b"Content-Type: text/html",
         b"Content-Type: multipart/mixed; boundary=x", b"Content-Type: message/rfc822",
         b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable",
         b" folded continuation", b"not a header line", b"From nobody Mon Jan 1", b"X-Empty:",
         b"Message-ID: <m@x.example>"]
    )
    | HEADER_BYTES,
    max_size=8,
)  # fmt: skip
LINE_ENDS = st.sampled_from([b"\r\n", b"\n", b"\r"])


@SETTINGS
@given(
    lines=HEADER_LINES,
    ends=st.lists(LINE_ENDS, min_size=9, max_size=9),
    body=st.binary(max_size=120),
)
def test_the_single_part_shortcut_reads_every_mail_as_the_full_parser_does(lines, ends, body):
    import dataclasses

    from klient.mail import parsing

    raw = b"".join(line + end for line, end in zip(lines, ends, strict=False)) + ends[-1] + body

    def read(raw: bytes) -> object:
        try:
            return dataclasses.astuple(parse(raw))
        except MailParseError as error:
            return str(error)

    shortcut = read(raw)
    original, parsing._single_part = parsing._single_part, lambda raw: None
    try:
        assert read(raw) == shortcut
    finally:
        parsing._single_part = original
