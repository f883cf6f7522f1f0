"""Raw inbound mail bytes to a frozen ``ParsedMail``: fast, tolerant, never lossy (no Django).

Why not ``email`` with ``policy.default``: it costs ~1.3 ms a message, more than the whole
per-message budget of the import pipeline (>= 500 messages/s including database writes). Why
not the Rust ``fast-mail-parser``: faster still, but it turns an unknown charset into U+FFFD
and rejects a whole message for one broken base64 part. So: the stdlib's tolerant
``compat32`` parser for the MIME structure (~70 µs), plus our own targeted decoding of only
what is needed (headers, RFC 2047 words, text parts, attachment payloads). Figures and the
full reasoning: docs/decisions/0002-mail-parsing.md.

Decoding is never done on the raw bytes before parsing. Each isolated piece is decoded with its
declared charset; if that is unknown or wrong, with UTF-8, then a guess among the legacy
charsets of the languages we serve, then Latin-1 (which maps every byte, so nothing is ever
replaced). Every such fallback is recorded in ``ParsedMail.defects``.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from mimetypes import guess_extension
from typing import Any, cast
from urllib.parse import unquote_to_bytes

from klient.mail import boundaries
from klient.mail.filenames import normalise_filename
from klient.mail.sanitize import html_to_text

__all__ = [
    "DeliveryReport",
    "HeaderMap",
    "MailParseError",
    "ParsedAttachment",
    "ParsedMail",
    "RecognisedHeaders",
    "parse",
    "recognised_headers",
]

MAX_DEPTH = 30  # MIME nesting beyond this is ignored (and recorded)


class MailParseError(Exception):
    """The bytes are unusable as an email (empty, no headers, no From address)."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # already normalised by filenames.normalise_filename
    content_type: str
    data: bytes
    content_id: str = ""  # without <>
    inline: bool = False


@dataclass(frozen=True)
class DeliveryReport:
    """The machine-readable part of a bounce (RFC 3464 multipart/report)."""

    original_message_id: str | None
    status: str  # e.g. "5.1.1"
    action: str  # failed / delayed / delivered / relayed / expanded
    recipients: tuple[str, ...]
    diagnostic: str


class HeaderMap(Mapping[str, str]):
    """Read-only mapping of lower-cased header names to decoded values (first occurrence)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"HeaderMap({self._data!r})"


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None  # normalised "<...>" form, None if missing/blank
    in_reply_to: str  # first msg-id in In-Reply-To, "<...>" form, or ""
    references: tuple[str, ...]  # msg-ids in order, "<...>" form
    from_address: str  # lower-cased addr-spec
    from_name: str  # decoded display name (RFC 2047)
    to: tuple[str, ...]  # lower-cased addresses
    cc: tuple[str, ...]
    reply_to: tuple[str, ...]
    subject: str  # decoded, whitespace collapsed
    date: datetime | None  # aware datetime or None
    text: str  # text/plain part(s); if only HTML, a text rendering of the HTML
    html: str  # raw (unsanitised) HTML body if any
    attachments: tuple[ParsedAttachment, ...]
    headers: Mapping[str, str]  # lower-cased name -> decoded value (first occurrence)
    content_type: str  # top-level, lower-case
    report: DeliveryReport | None
    defects: tuple[str, ...]  # what was broken but tolerated, for humans


_PARSER = BytesParser(policy=compat32)
boundaries.install()


def parse(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes. Broken input is tolerated and noted in ``defects``; only bytes
    that are unusable as an email raise ``MailParseError``."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MailParseError(f"expected bytes, got {type(raw).__name__}")
    raw = bytes(raw)
    if not raw.strip():
        raise MailParseError("empty input")
    try:
        msg = _single_part(raw) or _PARSER.parsebytes(raw)
        return _Builder(msg).build()
    except MailParseError:
        raise
    except RecursionError as exc:
        raise MailParseError("MIME structure nested too deeply") from exc
    except Exception as exc:  # the contract: ParsedMail or MailParseError, never anything else
        raise MailParseError(f"unexpected parser failure: {type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class RecognisedHeaders:
    """What an administrator recognises a mail by, as far as it could be read ("" if not)."""

    message_id: str
    from_header: str
    subject: str


_HEADER_PARSER = BytesHeaderParser(policy=compat32)
_SHOWN_LENGTH = 1000  # a header of any length is shown, cut here


def recognised_headers(raw: bytes) -> RecognisedHeaders:
    """Message-ID, From and Subject of any bytes, decoded as `parse` would (raw 8-bit by
    the declared charset, RFC 2047 words). Only the header block is parsed; never raises,
    so a mail `parse` refuses still shows what it could."""
    try:
        msg = _HEADER_PARSER.parsebytes(raw)
        values = {name: _raw_header(msg, name) for name in ("message-id", "from", "subject")}
        charset = _param(_raw_header(msg, "content-type"), "charset", [])
        read = {
            name: _WHITESPACE.sub(" ", _decode_header(value, [], name, charset))[:_SHOWN_LENGTH]
            for name, value in values.items()
        }
    except Exception:  # anything the header parser cannot read shows as unknown
        return RecognisedHeaders("", "", "")
    return RecognisedHeaders(read["message-id"], read["from"], read["subject"])


# The header lines compat32's feed parser reads as headers (email.feedparser.headerRE).
_HEADER_LINE = re.compile(rb"From |[\041-\071\073-\176]*:|[\t ]")


def _single_part(raw: bytes) -> Message | None:
    """The compat32 tree of a mail with a single, non-message part, built from its header
    block alone (the body is its payload, as the feed parser would store it), or None to
    leave the mail to the full parser. The feed parser splits the body into lines only to
    join them again: for a single part, that was a third of the parse."""
    end = raw.find(b"\r\n\r\n")
    if end >= 0:
        head, body = raw[: end + 2], raw[end + 4 :]
        if head.count(b"\n") != head.count(b"\r\n") or head.count(b"\r") != head.count(b"\n"):
            return None  # mixed line endings: where the headers end is the full parser's call
        lines = head.split(b"\r\n")[:-1]
    else:
        end = raw.find(b"\n\n")
        if end < 0 or b"\r" in raw[:end]:
            return None
        head, body = raw[: end + 1], raw[end + 2 :]
        lines = head.split(b"\n")[:-1]
    lowered = head.lower()
    if b"multipart" in lowered or b"message/" in lowered:
        return None
    if not all(_HEADER_LINE.match(line) for line in lines):
        return None  # a line that ends the headers early: the full parser knows what follows
    msg = _PARSER.parsebytes(head, headersonly=True)
    if msg.get_content_maintype() in ("multipart", "message") or msg.defects:
        return None
    msg.set_payload(body.decode("ascii", "surrogateescape"))
    return msg


# -- charsets -----------------------------------------------------------------------------------

_CHARSET_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "iso-8859-1": "cp1252",  # as browsers do: mail labelled Latin-1 is usually windows-1252
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ansi_x3.4-1968": "ascii",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
    "ks_c_5601-1987": "cp949",
}
_NOT_CHARSETS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)
# Labels that tools put on anything; valid UTF-8 under them is UTF-8 in practice.
_MISLABEL_PRONE = frozenset({"cp1252", "ascii"})
_UNLABELLED = frozenset({"", "unknown-8bit", "x-unknown", "unknown", "8bit", "default"})


@lru_cache(maxsize=512)
def _codec(label: str) -> str | None:
    """The Python codec for a MIME charset label, or None if unknown or not a text charset."""
    label = label.strip().strip("\"'").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CYR_LOWER_1251 = bytes(range(0xE0, 0x100))  # а..я in windows-1251; upper case in KOI8
_CYR_LOWER_KOI8 = bytes(range(0xC0, 0xE0))  # а..я in KOI8; upper case in windows-1251
_PL_BOTH = b"\xb3\xbf\xaf"  # ł ż Ż: same in iso-8859-2 and windows-1250 (Ł = £ left out)
_PL_ISO = b"\xb1\xb6\xbc\xa1\xa6\xac"  # ą ś ź Ą Ś Ź in iso-8859-2 (± ¶ ¼ ¡ ¦ ¬ in cp1252)
_PL_WIN = b"\xb9\x9c\x9f\xa5\x8c\x8f"  # ą ś ź Ą Ś Ź in windows-1250


def _count(data: bytes, byteset: bytes) -> int:
    return len(data) - len(data.translate(None, byteset))


def _guess_legacy(data: bytes) -> tuple[str, ...]:
    """Legacy charsets to try, best first, for non-UTF-8 bytes in one of our languages."""
    high = _count(data, _HIGH_BYTES)
    if high > _count(data, _ASCII_LETTERS):  # mostly non-ASCII letters: Cyrillic
        if _count(data, _CYR_LOWER_1251) >= _count(data, _CYR_LOWER_KOI8):
            return ("cp1251", "koi8-u")
        return ("koi8-u", "cp1251")
    iso, win = _count(data, _PL_ISO), _count(data, _PL_WIN)
    if iso + win + _count(data, _PL_BOTH) >= max(1, high // 5):
        return ("iso8859-2", "cp1250") if iso > win else ("cp1250", "iso8859-2")
    return ("cp1252", "iso8859-15")


def _decode_bytes(data: bytes, label: str | None, defects: list[str], where: str) -> str:
    """Decode one isolated piece of text; fallbacks are recorded, nothing is ever replaced."""
    label = (label or "").strip().strip("\"'").lower()
    codec = _codec(label) if label else None
    reason = ""
    if codec:
        if codec in _MISLABEL_PRONE and not data.isascii() and _looks_utf8(data):
            defects.append(f"{where}: labelled {label} but is UTF-8; decoded as utf-8")
            return data.decode("utf-8")
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec == "cp1252":  # real ISO-8859-1: bytes 0x80-0x9f are C1 controls
                return data.decode("latin-1")
            reason = f"not valid {label}"
    elif label not in _UNLABELLED:
        reason = f"unknown charset {label!r}"
    if data.isascii():
        return data.decode("ascii")
    chosen, text = _fallback(data)
    if reason or chosen != "utf-8":
        defects.append(f"{where}: {reason or 'no charset'}; decoded as {chosen}")
    return text


def _looks_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _fallback(data: bytes) -> tuple[str, str]:
    for codec in ("utf-8", *_guess_legacy(data)):
        try:
            return codec, data.decode(codec)
        except UnicodeDecodeError:
            continue
    return "latin-1", data.decode("latin-1")  # maps every byte: lossless


# -- transfer encodings -------------------------------------------------------------------------

_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")


def _b64decode(data: bytes, defects: list[str], where: str) -> bytes:
    compact = b"".join(data.split())
    try:
        return binascii.a2b_base64(compact, strict_mode=True)
    except (binascii.Error, ValueError):
        pass
    cleaned = _B64_JUNK.sub(b"", compact)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += b"=" * (-len(cleaned) % 4)
    defects.append(f"{where}: invalid base64, decoded what was readable")
    try:
        return binascii.a2b_base64(cleaned)
    except (binascii.Error, ValueError):
        return b""


def _raw_payload(part: Message) -> str | bytes | list[Message]:
    """The payload exactly as compat32 stored it (8-bit bytes kept as surrogates)."""
    # Private on purpose: get_payload() would decode 8-bit text with errors="replace".
    return part._payload  # type: ignore[attr-defined]  # compat32 storage, not in typeshed


def _raw_headers(msg: Message) -> list[tuple[str, Any]]:
    """The headers exactly as compat32 stored them: values are str with 8-bit bytes kept as
    surrogates (or Header objects for headers set by code)."""
    # Private on purpose: the public accessors decode 8-bit values lossily.
    return msg._headers  # type: ignore[attr-defined]  # compat32 storage, not in typeshed


def _subparts(part: Message) -> list[Message]:
    """The parts of a multipart or message/* part (compat32 stores them as a list), else []."""
    payload = part.get_payload()
    return cast("list[Message]", payload) if isinstance(payload, list) else []


def _payload_bytes(part: Message, defects: list[str], where: str) -> bytes:
    payload = _raw_payload(part)
    if isinstance(payload, list):  # e.g. a multipart whose boundary was never found
        return b""
    raw = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else payload
    cte = _raw_header(part, "content-transfer-encoding").strip().lower()
    if not cte or cte in ("7bit", "8bit", "binary", "7-bit", "8-bit"):
        return raw
    if cte == "base64":
        return _b64decode(raw, defects, where)
    if cte == "quoted-printable":
        return binascii.a2b_qp(raw)
    if cte in ("x-uuencode", "uuencode", "uue", "x-uue"):
        decoded = part.get_payload(decode=True)
        return decoded if isinstance(decoded, bytes) else raw
    defects.append(f"{where}: unknown Content-Transfer-Encoding {cte!r}, kept as is")
    return raw


# -- headers ------------------------------------------------------------------------------------

_FOLD = re.compile(r"\r?\n(?=[ \t])|[\r\n]")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_WHITESPACE = re.compile(r"\s+")
# A msg-id is printable ASCII (RFC 5322 3.6.4); 8-bit or control bytes mean it is not one.
_MSG_ID = re.compile(r"<\s*([\x21-\x3b\x3d\x3f-\x7e]{1,900}?)\s*>")
_MSG_ID_TOKEN = re.compile(r"[\x21-\x3b\x3d\x3f-\x7e]{1,900}")


def _raw_header(msg: Message, name: str) -> str:
    """The first raw value of a header as str (8-bit bytes kept as surrogates), or ""."""
    for key, value in _raw_headers(msg):
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return ""


def _decode_header(value: str, defects: list[str], where: str, charset: str | None = None) -> str:
    """Unfold, decode 8-bit bytes and RFC 2047 encoded-words (any charset)."""
    value = _decode_8bit(_FOLD.sub("", value), defects, where, charset)
    if "=?" in value:
        value = _decode_words(value, defects, where)
    return value.replace("\x00", "").strip()


def _decode_8bit(value: str, defects: list[str], where: str, charset: str | None = None) -> str:
    """Raw 8-bit bytes in a header (kept as surrogates by the parser) to text: UTF-8 when
    they are valid UTF-8 (legacy text almost never is), else `charset` (the body's: the
    client that wrote the body unlabelled wrote the headers in the same charset), else a
    guess among the legacy charsets of our languages."""
    if value.isascii():
        return value
    raw = value.encode("utf-8", "surrogateescape")
    if _looks_utf8(raw):
        return raw.decode("utf-8")
    codec = _codec(charset) if charset else None
    if codec is not None and codec not in ("utf-8", "ascii"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass  # not that charset after all: guess
    return _decode_bytes(raw, "", defects, where)


def _decode_words(value: str, defects: list[str], where: str) -> str:
    out: list[str] = []
    pending = bytearray()
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending_charset
        if pending_charset is not None:
            out.append(_decode_bytes(bytes(pending), pending_charset, defects, where))
            pending.clear()
            pending_charset = None

    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if not (pending_charset is not None and not gap.strip()):  # whitespace between words
            flush()
            out.append(gap)
        charset, encoding, text = match.groups()
        charset = charset.split("*", 1)[0].lower()  # RFC 2231 language suffix
        encoded = text.encode("utf-8", "surrogateescape")
        if encoding in "bB":
            data = _b64decode(encoded, defects, f"{where} encoded-word")
        else:
            data = binascii.a2b_qp(encoded, header=True)
        if charset != pending_charset:  # consecutive words in one charset are decoded together
            flush()
            pending_charset = charset
        pending += data
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


# Fast path for the usual shapes: `a@b`, `Name <a@b>`, `"Last, First" <a@b>`, comma-separated.
_SIMPLE_MAILBOX = re.compile(
    r'\s*(?:(?:"((?:[^"\\]|\\.)*)"|([^",<>@;:()\\\[\]]*?))\s*<([^<>\s@",;:]+@[^<>\s@",;:]+)>'
    r'|([^<>\s@",;:()]+@[^<>\s@",;:()]+))\s*(?:,\s*|$)'
)


def _simple_addresses(value: str) -> list[tuple[str, str]] | None:
    result = []
    pos, end = 0, len(value)
    while pos < end:
        match = _SIMPLE_MAILBOX.match(value, pos)
        if match is None or match.end() == pos:
            return None
        quoted, plain, angle, bare = match.groups()
        name = _QUOTED_PAIR.sub(r"\1", quoted) if quoted is not None else (plain or "")
        result.append((name, angle or bare))
        pos = match.end()
    return result


def _addresses(value: str, defects: list[str], where: str) -> list[tuple[str, str]]:
    """(decoded display name, lower-cased address) pairs, in order, without duplicates."""
    if not value:
        return []
    value = _decode_8bit(_FOLD.sub("", value), defects, where)  # words: after splitting
    pairs = _simple_addresses(value.strip())
    if pairs is None:
        pairs = getaddresses([value])
    seen: set[str] = set()
    result = []
    for name, addr in pairs:
        addr = addr.strip().lower()
        if not addr or addr in seen or len(addr.split()) != 1:
            continue
        seen.add(addr)
        if "=?" in name:
            name = _decode_words(name, defects, where)
        result.append((_WHITESPACE.sub(" ", name).strip(), addr))
    return result


# The angle-addr that ends a From value, with an optional trailing comment: the address of a
# mailbox whatever its display name holds (unquoted commas, raw 8-bit, even "@" or "<").
_TRAILING_ANGLE_ADDR = re.compile(
    r"<\s*([^<>\s@\"]+@[^<>\s@\"]+?)\s*>\s*(?:\([^()]*\)\s*)?[,;]?\s*\Z"
)


def _bracketed_mailbox(
    value: str, defects: list[str], where: str, charset: str | None
) -> tuple[str, str] | None:
    """(display name, lower-cased address) when the value ends with `<addr-spec>`: the
    address is always the bracketed one. What comes before it is the display name, decoded
    (8-bit by `charset`, then RFC 2047 words); it is never searched for an address, since
    an "@" in a display name proves nothing."""
    value = _FOLD.sub("", value)
    match = _TRAILING_ANGLE_ADDR.search(value)
    if match is None:
        return None
    address = match.group(1).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = _decode_8bit(value[: match.start()], defects, where, charset).strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = _QUOTED_PAIR.sub(r"\1", name[1:-1])
    if "=?" in name:
        name = _decode_words(name, defects, where)
    return _WHITESPACE.sub(" ", name.replace("\x00", "")).strip(), address.lower()


_ADDR_FALLBACK = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*")
_LOCAL_ONLY = re.compile(r"^[\w.+-]+$")


_PARAM = re.compile(r';\s*([^\s=;]+?)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)')
_QUOTED_PAIR = re.compile(r"\\(.)")


def _param(header: str, name: str, defects: list[str]) -> str | None:
    """A MIME parameter, decoded: RFC 2231 (continuations, charset), RFC 2047 words (which
    Outlook puts in filenames) or raw 8-bit bytes."""
    simple: str | None = None
    pieces: dict[int, tuple[str, bool]] = {}
    for key, value in _PARAM.findall(header):
        key = key.lower()
        if value.startswith('"'):
            value = _QUOTED_PAIR.sub(r"\1", value[1:-1] if value.endswith('"') else value[1:])
        value = value.strip()
        if key == name:
            simple = value if simple is None else simple
        elif key.startswith(name + "*"):
            suffix = key[len(name) + 1 :]
            index = suffix.rstrip("*")
            pieces.setdefault(int(index) if index.isdigit() else 0, (value, key.endswith("*")))
    if pieces:
        charset = "utf-8"
        data = bytearray()
        for index in sorted(pieces):
            value, encoded = pieces[index]
            if encoded and index == 0 and value.count("'") >= 2:
                charset, _, value = value.split("'", 2)
            if encoded:
                data += unquote_to_bytes(value.encode("utf-8", "surrogateescape"))
            else:
                data += value.encode("utf-8", "surrogateescape")
        return _decode_bytes(bytes(data), charset or "utf-8", defects, name)
    if simple is not None:
        return _decode_header(simple, defects, name)
    return None


def _message_id(value: str) -> str | None:
    match = _MSG_ID.search(value)
    if match:
        return f"<{match.group(1)}>"
    token = value.strip().strip("<>")
    if "@" in token and _MSG_ID_TOKEN.fullmatch(token):
        return f"<{token}>"
    return None


def _message_ids(value: str) -> tuple[str, ...]:
    ids = [f"<{m}>" for m in _MSG_ID.findall(value)]
    if not ids:
        tokens = (t.strip("<>,") for t in value.split())
        ids = [f"<{t}>" for t in tokens if "@" in t and _MSG_ID_TOKEN.fullmatch(t)]
    return tuple(dict.fromkeys(ids))


def _date(value: str, defects: list[str]) -> datetime | None:
    if not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"Date: unreadable {value[:60]!r}")
        return None
    if parsed.tzinfo is None:
        defects.append("Date: no time zone, taken as UTC")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# -- MIME tree ----------------------------------------------------------------------------------

_BODY_TYPES = ("text/plain", "text/html")
_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
_RETURNED_TYPES = ("message/rfc822", "message/global")
_RETURNED_HEADER_TYPES = ("text/rfc822-headers", "message/global-headers")
_BOUNDARY_LINE = re.compile(rb"^--([^\s]{1,200}?)\s*$", re.MULTILINE)


def _defect_text(defect: object) -> str:
    name = type(defect).__name__.removesuffix("Defect")
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


class _Builder:
    """Walks the compat32 tree once and collects everything ``ParsedMail`` needs."""

    def __init__(self, msg: Message) -> None:
        self.msg = msg
        self.defects: list[str] = []
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.dsn_fields: list[dict[str, str]] = []
        self.original_message_id: str | None = None

    def build(self) -> ParsedMail:
        msg, defects = self.msg, self.defects
        if not _raw_headers(msg):
            raise MailParseError("no headers: not an email")
        headers: dict[str, str] = {}
        raw_headers: dict[str, str] = {}
        for name, value in _raw_headers(msg):
            key = name.strip().lower()
            if key in raw_headers:
                continue
            raw = (value if isinstance(value, str) else str(value)).replace("\x00", "")
            raw_headers[key] = raw
            charset = None if raw.isascii() else self._body_charset()
            headers[key] = _decode_header(raw, defects, name, charset)

        from_name, from_address = self._sender(raw_headers)
        self._walk(msg, depth=0, in_report=False)
        for defect in msg.defects:
            defects.append(f"message: {_defect_text(defect)}")

        # NUL never reaches storage (PostgreSQL text cannot hold it).
        text = "\n\n".join(t for t in self.texts if t.strip()).replace("\x00", "")
        html = "\n".join(self.htmls).replace("\x00", "")
        if not text.strip() and html:
            text = html_to_text(html)
        message_id = _message_id(raw_headers.get("message-id", ""))
        if message_id is None and raw_headers.get("message-id", "").strip():
            # Known by the hash of its bytes instead (pipeline.hash_message_id).
            defects.append("Message-ID: unreadable or longer than 900 characters, ignored")
        return ParsedMail(
            message_id=message_id,
            in_reply_to=(_message_ids(raw_headers.get("in-reply-to", "")) or ("",))[0],
            references=_message_ids(raw_headers.get("references", "")),
            from_address=from_address,
            from_name=from_name,
            to=self._addrs(raw_headers, "to"),
            cc=self._addrs(raw_headers, "cc"),
            reply_to=self._addrs(raw_headers, "reply-to"),
            subject=_WHITESPACE.sub(" ", headers.get("subject", "")).strip(),
            date=_date(headers.get("date", ""), defects),
            text=text,
            html=html,
            attachments=tuple(self.attachments),
            headers=HeaderMap(headers),
            content_type=msg.get_content_type(),
            report=self._report(),
            defects=tuple(dict.fromkeys(defects)),
        )

    def _addrs(self, raw_headers: Mapping[str, str], name: str) -> tuple[str, ...]:
        return tuple(a for _, a in _addresses(raw_headers.get(name, ""), self.defects, name))

    def _body_charset(self) -> str | None:
        """The charset the body declares (the top level's, else its first text part's):
        what raw 8-bit headers are read in. Looked up only for a non-ASCII header."""
        part: Message | None = self.msg
        for _ in range(MAX_DEPTH):
            if part is None:
                return None
            charset = _param(_raw_header(part, "content-type"), "charset", [])
            if charset:
                return charset
            part = next(
                (p for p in _subparts(part) if p.get_content_maintype() in ("text", "multipart")),
                None,
            )
        return None

    def _sender(self, raw_headers: Mapping[str, str]) -> tuple[str, str]:
        for name in ("from", "sender"):
            value = raw_headers.get(name, "")
            charset = None if value.isascii() else self._body_charset()
            bracketed = _bracketed_mailbox(value, self.defects, name, charset) if value else None
            if bracketed is not None:
                if name != "from":
                    self.defects.append("From: missing, used Sender")
                return bracketed
            for display, addr in _addresses(value, self.defects, name):
                if "@" in addr or _LOCAL_ONLY.match(addr):
                    if name != "from":
                        self.defects.append("From: missing, used Sender")
                    return display, addr
            found = _ADDR_FALLBACK.search(_decode_header(value, [], name)) if value else None
            if found:
                self.defects.append(f"{name}: malformed, address recovered")
                return "", found.group(0).lower()
        raise MailParseError("no From address")

    # -- parts ----------------------------------------------------------------------------------

    def _walk(self, part: Message, depth: int, in_report: bool) -> None:
        ctype = part.get_content_type()
        where = ctype
        if depth > MAX_DEPTH:
            self.defects.append(f"{where}: nested more than {MAX_DEPTH} deep, ignored")
            return
        if depth:
            self.defects.extend(f"{where}: {_defect_text(d)}" for d in part.defects)
        if ctype in _DSN_TYPES:
            self._delivery_status(part)
            return
        if ctype in _RETURNED_TYPES or (ctype.startswith("message/") and part.is_multipart()):
            self._message_part(part, ctype, in_report)
            return
        if part.is_multipart():
            in_report = in_report or ctype == "multipart/report"
            for sub in _subparts(part):
                self._walk(sub, depth + 1, in_report)
            return
        if ctype.startswith("multipart/"):
            self._rescue_multipart(part, depth, in_report)
            return
        self._leaf(part, ctype, in_report)

    def _leaf(self, part: Message, ctype: str, in_report: bool) -> None:
        where = ctype
        disposition = (part.get_content_disposition() or "").lower()
        filename = self._filename(part)
        data = _payload_bytes(part, self.defects, where)
        if in_report and ctype in _RETURNED_HEADER_TYPES:
            found = re.search(rb"(?im)^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", data)
            if found:
                self.original_message_id = _message_id(found.group(1).decode("latin-1"))
            return
        if ctype in _BODY_TYPES and disposition != "attachment" and not filename:
            charset = _param(_FOLD.sub("", _raw_header(part, "content-type")), "charset", [])
            text = _decode_bytes(data, charset, self.defects, where)
            text = text.replace("\r\n", "\n")
            (self.texts if ctype == "text/plain" else self.htmls).append(text)
            return
        content_id = _raw_header(part, "content-id")
        content_id = _FOLD.sub("", content_id).strip().strip("<>").strip()
        if not filename:
            filename = "attachment" + (guess_extension(ctype, strict=False) or "")
        self.attachments.append(
            ParsedAttachment(
                filename=normalise_filename(filename),
                content_type=ctype,
                data=data,
                content_id=content_id,
                inline=disposition == "inline" or (not disposition and bool(content_id)),
            )
        )

    def _filename(self, part: Message) -> str:
        # Parsed from the raw header: the stdlib turns 8-bit parameter bytes into U+FFFD.
        for header, param in (("content-disposition", "filename"), ("content-type", "name")):
            raw = _raw_header(part, header)
            if param in raw.lower():
                value = _param(_FOLD.sub("", raw), param, self.defects)
                if value is not None:
                    return value
        return ""

    def _message_part(self, part: Message, ctype: str, in_report: bool) -> None:
        parts = _subparts(part)
        inner = parts[0] if parts else None
        if in_report:
            if inner is not None:
                self.original_message_id = _message_id(_raw_header(inner, "message-id"))
            return
        if inner is None:
            self._leaf(part, ctype, in_report)
            return
        try:
            data = inner.as_bytes()
        except Exception:  # a generator failure must not lose the part
            data = str(inner).encode("utf-8", "surrogateescape")
            self.defects.append(f"{ctype}: could not be re-serialised exactly")
        filename = self._filename(part)
        if not filename:
            subject = _decode_header(_raw_header(inner, "subject"), self.defects, "subject")
            filename = (subject[:150] or "message") + ".eml"
        self.attachments.append(ParsedAttachment(normalise_filename(filename), ctype, data))

    def _rescue_multipart(self, part: Message, depth: int, in_report: bool) -> None:
        """A multipart whose declared boundary never appears: re-parse with the boundary the
        body actually uses, or keep the body as text."""
        data = _payload_bytes(part, self.defects, part.get_content_type())
        found = _BOUNDARY_LINE.search(data)
        if found and depth < MAX_DEPTH:
            boundary = found.group(1).rstrip(b"-").replace(b'"', b"")
            self.defects.append(f"{part.get_content_type()}: boundary mismatch, used the one found")
            rebuilt = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n' + data
            sub = _PARSER.parsebytes(rebuilt)
            if sub.is_multipart():
                for child in _subparts(sub):
                    self._walk(child, depth + 1, in_report)
                return
        self.defects.append(f"{part.get_content_type()}: no parts found, body kept as text")
        self.texts.append(_decode_bytes(data, None, self.defects, "body").replace("\r\n", "\n"))

    def _delivery_status(self, part: Message) -> None:
        payload = part.get_payload()
        if isinstance(payload, list):
            for block in payload:
                if isinstance(block, Message):
                    self.dsn_fields.append(
                        {k.lower(): _FOLD.sub("", str(v)).strip() for k, v in _raw_headers(block)}
                    )
            return
        text = _payload_bytes(part, self.defects, "delivery-status").decode("latin-1")
        for block in re.split(r"\r?\n[ \t]*\r?\n", text):
            fields = {}
            for line in re.split(r"\r?\n(?![ \t])", block):
                name, sep, value = line.partition(":")
                if sep:
                    fields[name.strip().lower()] = _FOLD.sub("", value).strip()
            if fields:
                self.dsn_fields.append(fields)

    def _report(self) -> DeliveryReport | None:
        if not self.dsn_fields:
            return None
        original = self.original_message_id
        recipients: list[str] = []
        primary: dict[str, str] = {}
        for fields in self.dsn_fields:
            if original is None and "original-message-id" in fields:
                original = _message_id(fields["original-message-id"])
            rcpt = fields.get("final-recipient") or fields.get("original-recipient")
            if rcpt:
                recipients.append(rcpt.rpartition(";")[2].strip().strip("<>").lower())
                if not primary or (
                    fields.get("action", "").lower() == "failed"
                    and primary.get("action", "").lower() != "failed"
                ):
                    primary = fields
        diagnostic = primary.get("diagnostic-code", "")
        if ";" in diagnostic[:20]:
            diagnostic = diagnostic.partition(";")[2]
        return DeliveryReport(
            original_message_id=original,
            status=primary.get("status", "").split()[0] if primary.get("status") else "",
            action=primary.get("action", "").strip().lower(),
            recipients=tuple(dict.fromkeys(r for r in recipients if r)),
            diagnostic=_WHITESPACE.sub(" ", diagnostic).strip(),
        )
