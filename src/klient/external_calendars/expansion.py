"""ICS text to busy intervals, on our side (pure Python, no Django).

A calendar server's own expansion differs from server to server (recurrence overrides,
floating times, all-day events and iCloud's offsets are where they disagree), so Klient
asks for the stored VEVENT objects and expands them here with `recurring-ical-events`:
RRULE and RDATE, EXDATE, RECURRENCE-ID overrides (moved or cancelled occurrences), all-day
events, floating times, TZID zones and UTC.

What blocks: every occurrence overlapping the window, except `TRANSP:TRANSPARENT` ("free")
and `STATUS:CANCELLED` ones (a cancelled override cancels just its occurrence). What it
means in the agent's zone: an all-day event is busy from the start of its first local day
to the start of the day after its last, in the agent's zone; a floating time ("09:00",
no zone) is read in the agent's zone. An occurrence of zero length blocks nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

# Floating times and all-day events move by up to a day with the agent's zone; the
# expansion reads this much more on each side, then keeps what overlaps the window.
_MARGIN = timedelta(days=1, hours=2)


class CalendarTextError(ValueError):
    """The text is not iCalendar (or holds a recurrence the expander cannot read)."""


@dataclass(frozen=True, order=True)
class Busy:
    """One occurrence that blocks: [start, end) in UTC, and the UID it came from."""

    start: datetime
    end: datetime
    uid: str = ""


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value as an aware UTC instant: a date is its local midnight in
    `zone`, a floating time is read in `zone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _blocks(event: Any) -> bool:
    transparency = str(event.get("TRANSP", "OPAQUE")).strip().upper()
    status = str(event.get("STATUS", "")).strip().upper()
    return transparency != "TRANSPARENT" and status != "CANCELLED"


def _end_value(event: Any, start: date | datetime) -> date | datetime:
    if (end := event.get("DTEND")) is not None:
        return end.dt
    if (duration := event.get("DURATION")) is not None:
        return start + duration.dt
    # RFC 5545 3.6.1: a date lasts one day, a date-time has no length.
    return start if isinstance(start, datetime) else start + timedelta(days=1)


def calendars(texts: Iterable[str | bytes]) -> list[Any]:
    """Every VCALENDAR of the texts (one text may hold several)."""
    found: list[Any] = []
    for text in texts:
        try:
            found.extend(icalendar.Calendar.from_ical(text, multiple=True))
        except (ValueError, KeyError, IndexError) as exc:
            raise CalendarTextError(f"not an iCalendar text: {exc}") from exc
    return found


def busy_times(
    texts: Iterable[str | bytes], start: datetime, end: datetime, zone: ZoneInfo
) -> list[Busy]:
    """The blocking occurrences overlapping [start, end) (aware datetimes) of the events
    in these texts, sorted; overlapping ones are kept apart (see `merge`)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("the window needs aware datetimes")
    found: list[Busy] = []
    for calendar in calendars(texts):
        try:
            occurrences = recurring_ical_events.of(calendar).between(start - _MARGIN, end + _MARGIN)
        except Exception as exc:  # the library's errors have no common base
            raise CalendarTextError(f"cannot expand the calendar: {exc}") from exc
        for event in occurrences:
            if event.name != "VEVENT" or not _blocks(event) or event.get("DTSTART") is None:
                continue
            first = event["DTSTART"].dt
            busy_start = _instant(first, zone)
            busy_end = _instant(_end_value(event, first), zone)
            if busy_start < busy_end and busy_start < end and busy_end > start:
                found.append(Busy(busy_start, busy_end, str(event.get("UID", ""))))
    return sorted(set(found))


def merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted, disjoint intervals covering the same time; touching ones are joined."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
