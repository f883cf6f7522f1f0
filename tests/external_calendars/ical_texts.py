"""iCalendar texts for the tests, on dates a few weeks after today (the synced window
starts at today), so the tests read like a calendar and never go stale."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")


def a_monday(weeks_ahead: int = 3) -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def stamp(day: date, hh: int, mm: int = 0) -> str:
    return f"{day:%Y%m%d}T{hh:02d}{mm:02d}00"


def event(uid: str, *lines: str) -> str:
    body = "\n".join(lines)
    return f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\n{body}\nEND:VEVENT"


def vcalendar(*events: str) -> str:
    inner = "\n".join(events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Klient tests//EN\n{inner}\nEND:VCALENDAR\n"


def at(day: date, hh: int, mm: int = 0, zone: ZoneInfo = UTC) -> datetime:  # type: ignore[assignment]
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=zone).astimezone(UTC)


# The account on the tests' Radicale server.
USER = "anna"
PASSWORD = "radicale-s3cret-Pa55"
