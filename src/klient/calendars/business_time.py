"""Business-time arithmetic on a `BusinessCalendar`: due dates, elapsed business time,
openings. Pure Python, no Django.

Every function takes aware datetimes in any time zone and returns aware UTC datetimes.
Intervals are half-open: a 09:00-17:00 day is open at 09:00 and closed at 17:00, and 8 hours
after 09:00 is 17:00 the same day (not the next opening). Resolution is one microsecond.

Cost: each call walks the local days it touches, using the calendar's cached per-day UTC
intervals, and jumps over whole weeks (cached weekly totals) for long durations, so a due
date a few business days out is a handful of cached lookups.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from klient.calendars.calendar import EPOCH_ORDINAL, US_PER_DAY, BusinessCalendar, utc_from_us

# How far ahead a search may look before giving up (about five years).
HORIZON_DAYS = 5 * 366
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def _us(moment: datetime, name: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return (moment - _EPOCH) // _ONE_US


def _duration_us(duration: timedelta) -> int:
    value = duration // _ONE_US
    if value < 0:
        raise ValueError(f"duration must not be negative, got {duration!r}")
    return value


def _first_ordinal(moment_us: int) -> int:
    """The first local date to scan for an instant: local dates are within a day of the UTC
    date, and one more day back covers zones whose date goes backwards at a change (an
    instant inside the previous local date's hours). Intervals before the instant are
    skipped, so starting early only costs a cached lookup or two (and spares a zone
    conversion)."""
    return moment_us // US_PER_DAY + EPOCH_ORDINAL - 2


def _is_monday(ordinal: int) -> bool:
    return (ordinal - 1) % 7 == 0  # date.fromordinal(1) is a Monday


def _horizon_error(calendar: BusinessCalendar, start: datetime, horizon_days: int) -> ValueError:
    return ValueError(
        f"{calendar!r} has not enough working time within {horizon_days} days after "
        f"{start.isoformat()}"
    )


def add_business_time(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    *,
    horizon_days: int = HORIZON_DAYS,
) -> datetime:
    """The earliest instant (UTC) by which ``duration`` of business time has elapsed since
    ``start``. Counting starts at ``start`` when the calendar is open, else at the next
    opening; a zero duration gives ``start`` itself. Raises ValueError when the calendar
    has not enough working time within ``horizon_days``."""
    at = _us(start, "start")
    remaining = _duration_us(duration)
    if remaining == 0:
        return utc_from_us(at)
    day_intervals = calendar.day_intervals
    first = _first_ordinal(at)
    ordinal, limit = first, first + horizon_days
    while ordinal <= limit:
        if ordinal > first + 1 and _is_monday(ordinal):
            total, opening, _ = calendar.week(ordinal)
            if remaining > total and (opening is None or opening >= at):
                remaining -= total
                ordinal += 7
                continue
        for opens, closes in day_intervals(ordinal):
            if closes <= at:
                continue
            opens = max(opens, at)
            span = closes - opens
            if remaining <= span:
                return utc_from_us(opens + remaining)
            remaining -= span
        ordinal += 1
    raise _horizon_error(calendar, start, horizon_days)


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Business time in ``[start, end)``; zero when ``end <= start``."""
    lo, hi = _us(start, "start"), _us(end, "end")
    if hi <= lo:
        return timedelta(0)
    day_intervals = calendar.day_intervals
    ordinal = _first_ordinal(lo)
    last = _first_ordinal(hi) + 4
    total = 0
    while ordinal <= last:
        if ordinal + 6 <= last and _is_monday(ordinal):
            week_total, opening, closing = calendar.week(ordinal)
            if opening is None or (opening >= lo and closing is not None and closing <= hi):
                total += week_total
                ordinal += 7
                continue
        for opens, closes in day_intervals(ordinal):
            if closes <= lo:
                continue
            if opens >= hi:
                break
            total += min(closes, hi) - max(opens, lo)
        ordinal += 1
    return timedelta(microseconds=total)


def next_opening(
    calendar: BusinessCalendar, at: datetime, *, horizon_days: int = HORIZON_DAYS
) -> datetime:
    """The earliest instant (UTC) at or after ``at`` when the calendar is open: ``at`` itself
    when it is open then."""
    moment = _us(at, "at")
    day_intervals = calendar.day_intervals
    first = _first_ordinal(moment)
    ordinal, limit = first, first + horizon_days
    while ordinal <= limit:
        if ordinal > first + 1 and _is_monday(ordinal) and calendar.week(ordinal)[1] is None:
            ordinal += 7
            continue
        for opens, closes in day_intervals(ordinal):
            if closes > moment:
                return utc_from_us(max(opens, moment))
        ordinal += 1
    raise _horizon_error(calendar, at, horizon_days)


def is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether ``at`` falls inside the calendar's working time."""
    moment = _us(at, "at")
    ordinal = at.astimezone(calendar.zone).toordinal()
    return any(opens <= moment < closes for opens, closes in calendar.day_intervals(ordinal))


def open_intervals(calendar: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The local date's open intervals as UTC datetimes (for display and debugging)."""
    return tuple(
        (utc_from_us(opens), utc_from_us(closes))
        for opens, closes in calendar.day_intervals(day.toordinal())
    )


def due_at(calendar: BusinessCalendar | None, start: datetime, duration: timedelta) -> datetime:
    """When a target of ``duration`` started at ``start`` falls due (UTC): business time on
    ``calendar``, or calendar time (real elapsed time, DST-proof) when ``calendar`` is None."""
    if calendar is not None:
        return add_business_time(calendar, start, duration)
    at = _us(start, "start")
    return utc_from_us(at + _duration_us(duration))
