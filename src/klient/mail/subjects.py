"""The subject of a reply with its reply prefixes taken off (no Django).

Mail clients answer "Invoice 42" as "Re: Invoice 42" in English, but also "AW:" (German),
"Odp:" (Polish), "Réf. :" (French Outlook), "Відп:" / "Отв:" (Ukrainian and Russian
clients), "Re[2]:" (counted replies), with a full-width colon from East-Asian input
methods, and in chains once several people have answered ("Re: AW: Re: ..."). Threading
by subject compares what is left, case-folded and with its spacing collapsed, so that
"RE:  AW: invoice 42" and "Invoice 42" meet.

Forward prefixes (Fwd, TR, WG, PD) are deliberately not removed: a forward is a new
message about something, not an answer in the same thread."""

from __future__ import annotations

import re

__all__ = ["is_reply", "normalise_subject", "strip_reply_prefixes"]

# One reply prefix: a word, an optional counter ("Re[2]", "Re(3)", "Re^2"), a colon (ASCII
# or full-width), with any spaces around. Longest alternatives first so "Odp." wins over
# "Odp". "Réf" also comes unaccented from clients that lose the accent.
_PREFIX = re.compile(
    r"\s*(?:(?:re|aw|odp\.?|r[ée]f\.?|отв|відп|вiдп|ответ|відповідь)"
    r"\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\^\d{1,4})?\s*[:：]"
    # Some Polish webmails write "Odp." with no colon.
    r"|odp\.(?=\s))\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def strip_reply_prefixes(subject: str) -> tuple[str, int]:
    """The subject without its leading reply prefixes, and how many were removed."""
    rest = subject
    removed = 0
    while match := _PREFIX.match(rest):
        rest = rest[match.end() :]
        removed += 1
    return rest.strip(), removed


def normalise_subject(subject: str) -> str:
    """What two subjects of one thread have in common: no reply prefixes, case-folded,
    whitespace collapsed to single spaces."""
    rest, _ = strip_reply_prefixes(subject)
    return _SPACES.sub(" ", rest).strip().casefold()


def is_reply(subject: str) -> bool:
    """Whether the subject says it answers something (starts with a reply prefix)."""
    return _PREFIX.match(subject) is not None
