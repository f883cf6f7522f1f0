"""Whether a parsed mail's values fit the columns they are stored in.

A value that cannot fit fails the same way on every attempt, so the mail is quarantined at
once with a reason an administrator can act on, not retried as a database error (PostgreSQL
refuses an over-long value; SQLite would store it and a later copy to PostgreSQL would not).
Free text (subject, display name) is cut to fit instead: nothing depends on its end."""

from __future__ import annotations

from django.db.models import CharField

from klient.conversations.models import Message

from .parsing import ParsedMail


def _limit(field: str) -> int:
    column = Message._meta.get_field(field)
    assert isinstance(column, CharField) and column.max_length is not None
    return column.max_length


def unstorable(parsed: ParsedMail) -> str | None:
    """Why the mail can never be stored, or None when it can."""
    checks = (
        ("From address", parsed.from_address, _limit("from_address")),
        ("Message-ID", parsed.message_id or "", _limit("message_id")),
        ("In-Reply-To", parsed.in_reply_to, _limit("in_reply_to")),
    )
    for what, value, limit in checks:
        if len(value) > limit:
            return f"the {what} is {len(value)} characters long; at most {limit} can be stored"
    return None
