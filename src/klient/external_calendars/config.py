"""The two settings of external calendars, read when used (never at import time):
KLIENT_CALENDAR_ALLOWED_HOSTS (comma-separated hosts that may be on loopback or private
addresses, e.g. a CalDAV server on the office network) and KLIENT_CALENDAR_SYNC_MINUTES
(how often each calendar is read, default 5). A Django setting of the same name wins
over the environment (tests set it)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from django.conf import settings

from klient.core import destinations

# The busy times kept per calendar: from a day ago (a meeting running now) to 400 days
# ahead (past any booking horizon). busy_between knows nothing outside it.
KEEP_BEFORE = timedelta(days=1)
KEEP_AFTER = timedelta(days=400)


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else os.environ.get(name, default)


def allowed_hosts() -> frozenset[str]:
    return destinations.allowed_hosts(_setting("KLIENT_CALENDAR_ALLOWED_HOSTS", ""))


def sync_every() -> timedelta:
    return timedelta(minutes=float(_setting("KLIENT_CALENDAR_SYNC_MINUTES", "5")))


def window(now: datetime) -> tuple[datetime, datetime]:
    """The kept window, moved once a day (from midnight UTC), so that the same calendar
    text read again the same day is known unchanged without expanding it again."""
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - KEEP_BEFORE, day + timedelta(days=1) + KEEP_AFTER
