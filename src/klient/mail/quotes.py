"""Separate the new text of a reply from quoted history and signature (no Django).

A compact rule set of our own rather than mail-parser-reply: that library has no Ukrainian and
costs more per message (docs/decisions/0002-mail-parsing.md). All rules apply whatever the
language of the text, because the quote header is written in the *replier's client* locale,
which need not be the language of the message.

Cut points, the earliest wins:
  - a reply header line "On … wrote:", "Le … a écrit :", "Am … schrieb …:", "W dniu … pisze:",
    "… пише:" / "… написав(ла):" (possibly wrapped over up to three lines);
  - an Outlook separator "-----Original Message-----" and its translations;
  - an Outlook header block "From: … Sent: …" / "De : … Envoyé : …" / "Von: … Gesendet: …" /
    "Od: … Wysłano: …" / "Від: … Надіслано: …" (optionally after a line of underscores);
  - a signature delimiter "-- ";
  - a trailing block of ">" quoted lines; "Sent from my iPhone"-style lines at the end.
"""

from __future__ import annotations

import re

__all__ = ["extract_new_text"]

_WROTE = (
    r"wrote|writes|a\s+écrit|écrit|schrieb|pisze|napisał\(a\)|napisała|napisał|"
    r"пише|написав\(ла\)|написала|написав|написал\(а\)|написал"
)
# A line (or wrapped lines) ending with the "wrote" verb and a colon, e.g.
# "Am 05.03.2024 um 14:20 schrieb Service <a@b.de>:" or "Le 5 mars 2024, X a écrit :".
_REPLY_HEADER_END = re.compile(rf"(?:^|\s)(?:{_WROTE})\b[^\n]{{0,160}}?\s?:\s*$", re.IGNORECASE)
_REPLY_HEADER_START = re.compile(
    r"^\s*(?:On|Le|Am|W\s+dniu|Dnia|El|Il|Op|\d|\w{2,10},?\s+\d)", re.IGNORECASE
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*[-_=]{2,}\s*(?:Original\s+Message|Ursprüngliche\s+Nachricht|Message\s+d['’]origine|"
    r"Oryginalna\s+wiadomość|Wiadomość\s+oryginalna|Оригінальне\s+повідомлення|"
    r"Вихідне\s+повідомлення|Исходное\s+сообщение)\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\**\s*(?:From|De|Von|Od|Від|От)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\**\s*(?:Sent|Date|Envoyé|Gesendet|Datum|Wysłano|Data|Надіслано|Дата|Отправлено)"
    r"\s*:\**\s*\S",
    re.IGNORECASE,
)
_RULE_LINE = re.compile(r"^\s*[_\-=]{20,}\s*$")
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:Sent\s+from\s+my\s|Get\s+Outlook\s+for\s|Envoyé\s+de\s+mon\s|"
    r"Von\s+meinem\s.*gesendet|Gesendet\s+von\s+meinem\s|Wysłane\s+z\s|Wysłano\s+z\s+(?:mojego|iPhone)|"
    r"Надіслано\s+з\s|Відправлено\s+з\s)",
    re.IGNORECASE,
)


def extract_new_text(text: str, language: str = "") -> str:
    """Return the new text of a reply, without quoted history or signature.

    Never returns an empty string for input that has non-quote text: if everything looks
    quoted, the original text is returned stripped. ``language`` is accepted for callers that
    know it; the rules apply to every supported language regardless."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    cut = _find_cut(lines)
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    while kept and _MOBILE_FOOTER.match(kept[-1]):
        kept.pop()
        while kept and not kept[-1].strip():
            kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


def _find_cut(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _SIGNATURE.match(line) or _ORIGINAL_MESSAGE.match(line):
            return i
        if _HEADER_FROM.match(line) and _is_header_block(lines, i):
            if i > 0 and _RULE_LINE.match(lines[i - 1]):
                return i - 1
            return i
        if stripped[-1] == ":" and _REPLY_HEADER_END.search(stripped):
            start = _reply_header_start(lines, i)
            if start is not None:
                return start
    return len(lines)


def _is_header_block(lines: list[str], i: int) -> bool:
    """A "From:" line followed within four lines by a "Sent:"/"Date:" line (any language)."""
    return any(_HEADER_SENT.match(line) for line in lines[i + 1 : i + 5])


def _reply_header_start(lines: list[str], end: int) -> int | None:
    """The first line of a reply header ending at ``end`` (wrapped over up to 3 lines), or None
    if it does not look like one (it must mention an address or a date/time)."""
    for start in range(max(0, end - 2), end + 1):
        block = " ".join(line.strip() for line in lines[start : end + 1])
        if not all(line.strip() for line in lines[start : end + 1]):
            continue
        if start < end and not _REPLY_HEADER_START.match(lines[start]):
            continue
        if "@" in block or any(ch.isdigit() for ch in block):
            return start
    return None
