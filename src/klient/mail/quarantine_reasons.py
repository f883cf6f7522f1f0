"""Quarantine reasons worded in the reader's language.

A reason is stored as Klient wrote it, in English (the API's `reason`, the event log, log
lines: what an operator greps for). The settings pages word it again for the administrator
reading it: each reason Klient writes has a pattern here with its translated wording; a
reason no pattern knows (an unexpected error's own text) is shown as stored."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext, pgettext

_Wording = Callable[[dict[str, str]], str]


def _what(name: str) -> str:
    """The header a length refers to, in the reader's language."""
    names = {
        "From address": pgettext("quarantine reason", "From address"),
        "Message-ID": "Message-ID",
        "In-Reply-To": "In-Reply-To",
    }
    return names.get(name, name)


_REASONS: tuple[tuple[re.Pattern[str], _Wording], ...] = (
    (
        re.compile(r"the email has no usable From address\Z"),
        lambda _: gettext("The email has no usable From address."),
    ),
    (
        re.compile(r"no team receives mail for the recipients \((?P<recipients>.*)\)\Z", re.S),
        lambda p: gettext("No team receives mail for the recipients (%(recipients)s).") % p,
    ),
    (
        re.compile(
            r"the (?P<what>From address|Message-ID|In-Reply-To) is (?P<length>\d+) characters "
            r"long; at most (?P<limit>\d+) can be stored\Z"
        ),
        lambda p: (
            gettext("The %(what)s is %(length)s characters long; at most %(limit)s can be stored.")
            % {**p, "what": _what(p["what"])}
        ),
    ),
    (
        re.compile(r"unreadable email: (?P<detail>.*)\Z", re.S),
        lambda p: gettext("Unreadable email: %(detail)s") % p,
    ),
    (
        re.compile(r"permanent database error, not retried: (?P<detail>.*)\Z", re.S),
        lambda p: gettext("Permanent database error, not retried: %(detail)s") % p,
    ),
    (
        re.compile(r"database error after (?P<attempts>\d+) attempts: (?P<detail>.*)\Z", re.S),
        lambda p: gettext("Database error after %(attempts)s attempts: %(detail)s") % p,
    ),
)


def worded(reason: str) -> str:
    """`reason` in the active language, or as stored when it is none of Klient's own."""
    for pattern, wording in _REASONS:
        match = pattern.match(reason)
        if match:
            return wording(match.groupdict())
    return reason
