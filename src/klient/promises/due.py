"""Due times of promises by the convention table of issue 17 (docs/promises.md): pure
calendar arithmetic, no Django.

Everything is resolved in the reference time's own zone: day anchors ("tomorrow", "by
Friday", "within 3 business days") give a local date, times of day are local wall-clock
time (17:00 when none is said), and elapsed offsets ("within 48 hours") are added to the
instant, so they stay exact across a DST change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

END_OF_DAY = time(17, 0)


@dataclass(frozen=True)
class Anchor:
    """A day: `kind` is one of today, tomorrow, after_tomorrow, weekday, end_week,
    next_week, early_next_week, end_month, days, business_days, date."""

    kind: str
    number: int = 0  # weekday 0-6, N days, N business days
    following_week: bool = False  # "next Monday": that weekday of the following week
    day: int = 0
    month: int = 0


@dataclass(frozen=True)
class Clock:
    """A time of day, local wall clock."""

    hour: int
    minute: int = 0


def elapsed(reference: datetime, minutes: int) -> datetime:
    """`minutes` of real time after `reference`, shown in its zone (DST-safe)."""
    zone = reference.tzinfo
    assert zone is not None, "reference times carry their zone"
    return (reference.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)


def anchor_date(anchor: Anchor, today: date) -> date:
    kind = anchor.kind
    if kind == "today":
        return today
    if kind == "tomorrow":
        return today + timedelta(days=1)
    if kind == "after_tomorrow":
        return today + timedelta(days=2)
    if kind == "days":
        return today + timedelta(days=anchor.number)
    if kind == "business_days":
        return nth_business_day(today, anchor.number)
    if kind == "weekday":
        if anchor.following_week:
            return _monday_after(today) + timedelta(days=anchor.number)
        ahead = (anchor.number - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if kind == "end_week":
        friday = today + timedelta(days=4 - today.weekday())
        # On a weekend the reference week's Friday is past: the coming one is meant.
        return friday if friday >= today else friday + timedelta(days=7)
    if kind == "next_week":
        return _monday_after(today) + timedelta(days=4)
    if kind == "early_next_week":
        return _monday_after(today) + timedelta(days=1)
    if kind == "end_month":
        last = last_business_day_of_month(today.year, today.month)
        if last < today:
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            last = last_business_day_of_month(year, month)
        return last
    if kind == "date":
        return explicit_date(today, anchor.day, anchor.month)
    raise ValueError(f"unknown anchor {kind!r}")


def nth_business_day(today: date, n: int) -> date:
    """The nth Monday-Friday after `today` (n >= 1; 0 is `today`)."""
    day = today
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def last_business_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    day = first_of_next - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def explicit_date(today: date, day: int, month: int) -> date:
    """That day and month, this year, or next year when it is already past."""
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def resolve(reference: datetime, anchor: Anchor | None, clock: Clock | None) -> datetime:
    """The due time for a day anchor and/or a time of day: the anchor's date (today when
    only a time is said), at the time (17:00 when none is said), in the reference's zone.
    A bare time already past today means tomorrow."""
    zone = reference.tzinfo
    assert zone is not None, "reference times carry their zone"
    today = reference.date()
    day = anchor_date(anchor, today) if anchor else today
    at = time(clock.hour, clock.minute) if clock else END_OF_DAY
    due = _local(day, at, zone)
    if anchor is None and due <= reference:
        due = _local(day + timedelta(days=1), at, zone)
    return due


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    # A wall-clock time inside a spring-forward gap normalises to the real instant after it.
    naive = datetime.combine(day, at)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _monday_after(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())
