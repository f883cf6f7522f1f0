"""A call-back window as customers give it (the portal card, a request form, an agent's
phone note): one day, from and until a time, in their own time zone (no database)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.conf import settings


def zone_or_default(name: str) -> zoneinfo.ZoneInfo:
    """The named zone, or the desk's when the name is empty or not a zone."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_window(
    day: str, start: str, end: str, zone: zoneinfo.ZoneInfo
) -> tuple[datetime, datetime]:
    """The window the inputs name, in `zone`; ValueError if they name none or it ends
    before it starts."""
    on = date.fromisoformat(day)
    window = (
        datetime.combine(on, time.fromisoformat(start), tzinfo=zone),
        datetime.combine(on, time.fromisoformat(end), tzinfo=zone),
    )
    if window[1] <= window[0]:
        raise ValueError("The window ends before it starts.")
    return window
