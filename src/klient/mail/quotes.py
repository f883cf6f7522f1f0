"""Separate what a customer wrote from quoted history, footers and signature (no Django).

The rules (klient.mail.quote_rules, per interface language) all apply to every message: the
attribution is written in the replier's client language, which need not be the message's.
The text is read line by line, top to bottom:

  - a ">" line is quoted history: dropped, wherever it is, so top-posted, bottom-posted and
    inline answers all keep the customer's own blocks, in order;
  - an attribution ("On … X <x> wrote:", "Am … schrieb X <\n x@y>:", "Wiadomość napisana przez
    … w dniu …:", ukr.net's "12 березня 2024, 11:50:00, від X <x>:"), wrapped over up to three
    lines, is dropped when ">" lines follow it; when none follow (Yahoo, Proton and HTML-only
    clients do not mark the quote), it ends the new text only if it names an address and a
    date, or has Thunderbird's numeric date, time and name, so that prose like "Le 3 mars,
    votre conseillère m'a écrit :" stays;
  - a separator ("-----Original Message-----", "---------- Forwarded message ---------", …),
    an unquoted header block ("From: … Sent: …", "Gesendet: … Von: …", "Від кого: … Дата: …")
    and a "-- " signature delimiter end the new text: a forward keeps only the note above;
  - device footers ("Sent from my iPhone", "Wysłane z iPhone'a", "Get Outlook for iOS") and
    corporate disclaimers are dropped.

The result's lines are a subsequence of the original's lines (line endings normalised), with
runs of blank lines collapsed. It is empty when the customer added nothing of their own (a
bare forward, only a quote): callers show the whole original then (Message.shown_text)."""

from __future__ import annotations

import re

from . import quote_rules as rules

__all__ = ["extract_new_text"]


def _union(table: dict[str, tuple[str, ...]]) -> str:
    return "|".join(fragment for fragments in table.values() for fragment in fragments)


_I = re.IGNORECASE
_VERBS = _union(rules.ATTRIBUTION_VERBS)
_WORD_OPENINGS = "|".join(
    f for key, fs in rules.ATTRIBUTION_OPENINGS.items() if key != "any" for f in fs
)
_OPENING = re.compile(
    rf"(?:(?:{_WORD_OPENINGS})\s|{'|'.join(rules.ATTRIBUTION_OPENINGS['any'])})", _I
)
# The verb, then at most a name, an address and a time ("… o godz. 09:31:") before the colon.
_ATTRIBUTION = re.compile(
    rf"(?:^|\s)(?:{_VERBS})(?=[\s:]|$).{{0,160}}:$|^(?:{'|'.join(rules.ATTRIBUTION_SHAPES)})", _I
)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WITHOUT_ADDRESS = re.compile(rf"^(?:{'|'.join(rules.ATTRIBUTIONS_WITHOUT_ADDRESS)})$", _I)
_SEPARATOR = re.compile(
    rf"^(?:[-_=*]{{2,}}\s*(?:{_union(rules.SEPARATOR_TITLES)})\s*[-_=*]{{2,}}"
    rf"|{'|'.join(rules.SEPARATOR_LINES)})$",
    _I,
)
_FROM = _union(rules.HEADER_FROM)
_HEADER_FIELD = re.compile(
    rf"^\**(?:({_FROM})|({_union(rules.HEADER_SENT_OR_SUBJECT)})|{_union(rules.HEADER_OTHER)})"
    rf"\s*:\**(?:\s|$)",
    _I,
)
_FOOTER = re.compile(rf"^(?:{_union(rules.FOOTERS)})(?:\s*<[^>\s]*>)?$", _I)
_DISCLAIMER = re.compile(rf"^(?:{_union(rules.DISCLAIMER_OPENINGS)})\b", _I)
_DISCLAIMER_WORDS = re.compile("|".join(rules.DISCLAIMER_WORDS), _I)
_SIGNATURE = re.compile(r"^--\s?$")
# Cheap tests before the patterns: most lines of a message are prose and fail them at once.
_FOOTER_INITIALS = frozenset(f[0].lower() for fs in rules.FOOTERS.values() for f in fs)
_DISCLAIMER_INITIALS = frozenset(
    f[0].lower() for fs in rules.DISCLAIMER_OPENINGS.values() for f in fs
)
_SEPARATOR_INITIALS = frozenset("-_=*") | frozenset(f[0].lower() for f in rules.SEPARATOR_LINES)
_FOOTER_MAX = 100
_RULE = re.compile(r"^[-_=*]{3,}$")


def extract_new_text(text: str, language: str = "") -> str:
    """Return what the customer wrote: without quoted history, attribution and header lines,
    forwarded messages, device footers, disclaimers and the "-- " signature.

    ``language`` is accepted for callers that know it; every language's rules apply."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _tidy(_own_lines(lines))


def _own_lines(lines: list[str]) -> list[str]:
    kept: list[str] = []
    count = len(lines)
    i = 0
    while i < count:
        stripped = lines[i].strip()
        if not stripped:
            kept.append("")
            i += 1
            continue
        if stripped[0] == ">":
            i += 1
            continue
        if (stripped[0] == "-" and _SIGNATURE.match(lines[i])) or _ends_new_text(
            lines, i, stripped
        ):
            break
        attribution = _attribution_end(lines, i, stripped)
        if attribution is not None:
            end, block = attribution
            if _quote_follows(lines, end + 1):
                i = end + 1
                continue
            if _ends_unmarked_quote(block):
                break
        initial = stripped[0].lower()
        if initial in _FOOTER_INITIALS and len(stripped) < _FOOTER_MAX and _FOOTER.match(stripped):
            i += 1
            continue
        if (
            initial in _DISCLAIMER_INITIALS
            and (not kept or not kept[-1])
            and _DISCLAIMER.match(stripped)
        ):
            end = _paragraph_end(lines, i)
            if _DISCLAIMER_WORDS.search(" ".join(lines[i:end])):
                i = end
                continue
        kept.append(lines[i])
        i += 1
    return kept


def _ends_new_text(lines: list[str], i: int, stripped: str) -> bool:
    """A separator line, or the first line of an unquoted header block."""
    if stripped[0].lower() in _SEPARATOR_INITIALS and _SEPARATOR.match(stripped):
        return True
    # A field name is short: "Від кого:", "**Envoyé :**".
    if ":" not in stripped[:16]:
        return False
    return _HEADER_FIELD.match(stripped) is not None and _is_header_block(lines, i)


def _ends_unmarked_quote(attribution: str) -> bool:
    """Whether an attribution with no ">" lines after it still starts the quoted message (Yahoo,
    Proton, HTML-only mail): it names an address and a date, or is Thunderbird's numeric one.
    Prose such as "Le 3 mars, votre conseillère m'a écrit :" is neither."""
    if _ADDRESS.search(attribution) and any(ch.isdigit() for ch in attribution):
        return True
    return _WITHOUT_ADDRESS.match(attribution) is not None


def _is_header_block(lines: list[str], i: int) -> bool:
    """Consecutive header fields in any order, one of them "From" in some language, and an
    address or a "Sent"/"Subject" field among them: "From: … / Sent: … / To: … / Subject: …"."""
    fields = 0
    has_from = has_sent_or_subject = False
    values = []
    for line in lines[i : i + 8]:
        match = _HEADER_FIELD.match(line.strip())
        if match is None:
            break
        fields += 1
        has_from = has_from or match.group(1) is not None
        has_sent_or_subject = has_sent_or_subject or match.group(2) is not None
        values.append(line)
    return fields >= 2 and has_from and (has_sent_or_subject or "@" in " ".join(values))


def _attribution_end(lines: list[str], i: int, stripped: str) -> tuple[int, str] | None:
    """The last line and the joined text of an attribution starting at line ``i`` (wrapped
    over up to three lines), or None."""
    if not _colon_ends_within(lines, i) or not _OPENING.match(stripped):
        return None
    for end in range(i, min(i + 3, len(lines))):
        line = lines[end].strip()
        if not line:
            return None
        if line[-1] == ":":
            block = " ".join(part.strip() for part in lines[i : end + 1])
            if _ATTRIBUTION.search(block) and ("@" in block or any(c.isdigit() for c in block)):
                return end, block
    return None


def _colon_ends_within(lines: list[str], i: int) -> bool:
    """Whether one of lines i..i+2, before a blank line, ends with a colon."""
    for line in lines[i : i + 3]:
        line = line.rstrip()
        if not line:
            return False
        if line[-1] == ":":
            return True
    return False


def _quote_follows(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        stripped = line.strip()
        if stripped:
            return stripped[0] == ">"
    return False


def _paragraph_end(lines: list[str], i: int) -> int:
    while i < len(lines) and lines[i].strip():
        i += 1
    return i


def _tidy(kept: list[str]) -> str:
    """Without trailing rule lines ("______") and blank-line runs; empty if nothing is left."""
    while kept and (not kept[-1].strip() or _RULE.match(kept[-1].strip())):
        kept.pop()
    out: list[str] = []
    for line in kept:
        if not line.strip():
            if out and out[-1].strip():
                out.append("")
            continue
        out.append(line)
    return "\n".join(out).strip()
