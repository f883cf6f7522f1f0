"""Business calendars: weekly working hours in a time zone, public holidays, closures.

Pure Python (zoneinfo + the `holidays` package), no Django. The arithmetic on top of a
calendar lives in `klient.calendars.business_time`.

Conventions
-----------
* Working hours are wall-clock intervals ``[start, end)`` in the calendar's time zone, per
  weekday (Monday = 0). Several intervals per day are allowed (a lunch break is the gap
  between two). An interval may not cross midnight; split it over two days instead
  (Mon 22:00-24:00 and Tue 00:00-06:00 join up seamlessly). An end of ``time.max`` or the
  string ``"24:00"`` means the end of the day (midnight of the next day), so 24 hours is
  ``(time(0), time.max)``.
* The calendar is open at an instant when the instant's local wall-clock date is a working
  day and its local wall-clock time falls inside one of that day's intervals. Around DST
  changes this reads as follows:

  - spring forward (a skipped hour): an interval end or start inside the skipped hour is
    reached at the moment of the change, so 09:00-17:00 stays 8 real hours, 00:00-24:00 is
    23 real hours, and an interval lying wholly in the skipped hour (02:00-03:00 in Warsaw
    on 2026-03-29) holds no time that day;
  - fall back (a repeated hour): the repeated wall-clock hour is counted twice when it lies
    inside an interval, so 00:00-24:00 is 25 real hours and 02:00-03:00 on 2026-10-25 in
    Warsaw is 2 real hours; an interval boundary inside the repeated hour splits the time
    the wall clock shows before and after it (01:00-02:30 is open 01:00-02:30 CEST and
    again 02:00-02:30 CET).

  Ordinary hours such as 09:00-17:00 are untouched by DST: they are always 8 real hours.
* A day is closed when it is in ``closures`` or is a public holiday of ``country``
  (``subdivision``) in the `holidays` package (its default, public category, including
  observed/substitute days). ``extra_working_days`` replace the weekly hours for a date and
  take precedence over public holidays (a Saturday worked to make up for a bridge day, or
  working through a holiday). A date may not be both closed and an extra working day.
* The per-day open intervals are converted to UTC once and kept in an LRU cache keyed by
  the date; holidays are resolved lazily per year and cached per (country, subdivision,
  year).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")

__all__ = ["BusinessCalendar", "Interval", "IntervalSpec", "WorkingHours"]

US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Instants whose local date is D lie in [D 00:00 - max offset, D 24:00 - min offset] UTC.
# Every offset in the tz database (LMT included) lies within +-16 hours.
_OFFSET_MARGIN_S = 16 * 3600
_SAMPLE_STEP_S = 3 * 3600
_DAY_CACHE_SIZE = 8192
_WEEK_CACHE_SIZE = 2048
# A wall-clock interval as microseconds since local midnight: (start, end), end <= 24h.
Interval = tuple[int, int]
TimeLike = time | str
IntervalSpec = tuple[TimeLike, TimeLike]


def _parse_time(value: TimeLike, *, is_end: bool) -> int:
    """Microseconds since midnight; ``time.max`` / ``"24:00"`` as an end mean 24:00. (Ints
    are taken as already-normalised microseconds by the caller.)"""
    if isinstance(value, str):
        match = _TIME_RE.fullmatch(value.strip())
        if match is None:
            raise ValueError(f"not a time of day: {value!r} (use HH:MM or HH:MM:SS)")
        hour, minute, second = (int(part or 0) for part in match.groups())
        if (hour, minute, second) == (24, 0, 0):
            if not is_end:
                raise ValueError("24:00 can only end an interval")
            return US_PER_DAY
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"not a time of day: {value!r}")
        return (hour * 3600 + minute * 60 + second) * US_PER_SECOND
    if not isinstance(value, time):
        raise TypeError(f"expected a datetime.time or 'HH:MM', got {value!r}")
    if value.tzinfo is not None:
        raise ValueError("working-hour times are wall-clock times: give them without tzinfo")
    if is_end and value == time.max:
        return US_PER_DAY
    return (
        value.hour * 3600 + value.minute * 60 + value.second
    ) * US_PER_SECOND + value.microsecond


def _normalise_day(intervals: Iterable[IntervalSpec | Interval]) -> tuple[Interval, ...]:
    """Validate one day's intervals, sort them and merge the ones that touch."""
    parsed: list[Interval] = []
    for item in intervals:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValueError(f"an interval is a (start, end) pair, got {item!r}") from None
        s = start if isinstance(start, int) else _parse_time(start, is_end=False)
        e = end if isinstance(end, int) else _parse_time(end, is_end=True)
        if not 0 <= s < e <= US_PER_DAY:
            raise ValueError(
                f"interval {item!r} is empty or crosses midnight: an interval ends after it "
                "starts on the same day (use time.max or '24:00' for midnight, and split "
                "overnight shifts over two days)"
            )
        parsed.append((s, e))
    parsed.sort()
    merged: list[Interval] = []
    for s, e in parsed:
        if merged and s < merged[-1][1]:
            raise ValueError(f"working-hour intervals overlap: {intervals!r}")
        if merged and s == merged[-1][1]:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Wall-clock opening intervals per weekday (``days[0]`` is Monday).

    Build it with `WorkingHours.weekly`, `WorkingHours.from_mapping` or `WorkingHours.always`;
    the constructor takes already-normalised days (microseconds since midnight)."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("WorkingHours needs exactly 7 days, Monday first")
        object.__setattr__(self, "days", tuple(_normalise_day(day) for day in self.days))

    @classmethod
    def weekly(cls, *intervals: IntervalSpec, weekdays: Iterable[int] = range(5)) -> WorkingHours:
        """The same intervals on the given weekdays (default Monday to Friday), e.g.
        ``WorkingHours.weekly(("09:00", "13:00"), ("14:00", "18:00"))``."""
        return cls.from_mapping(dict.fromkeys(weekdays, intervals))

    @classmethod
    def from_mapping(cls, hours: Mapping[int, Sequence[IntervalSpec]]) -> WorkingHours:
        """``{weekday: [(start, end), ...]}``; weekdays left out are closed."""
        for weekday in hours:
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
        return cls(tuple(_normalise_day(hours.get(weekday, ())) for weekday in range(7)))

    @classmethod
    def always(cls) -> WorkingHours:
        """24/7."""
        return cls(tuple(((0, US_PER_DAY),) for _ in range(7)))

    @property
    def is_empty(self) -> bool:
        return not any(self.days)

    def weekly_duration_us(self) -> int:
        """Nominal wall-clock business time per week (DST and holidays aside)."""
        return sum(e - s for day in self.days for s, e in day)


@lru_cache(maxsize=1024)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _offset_s(zone: ZoneInfo, t: int) -> int:
    """UTC offset in seconds of ``zone`` at the UTC instant ``t`` (epoch seconds)."""
    offset = datetime.fromtimestamp(t, tz=zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def _offset_segments(zone: ZoneInfo, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """Split the UTC range [lo, hi) (epoch seconds) into (start, end, offset) pieces of
    constant UTC offset. Sampled every few hours, then bisected to the second; two changes
    within one sampling step (never seen in the tz database) would go unnoticed."""
    segments = []
    seg_start, offset = lo, _offset_s(zone, lo)
    t = lo
    while t < hi:
        nxt = min(t + _SAMPLE_STEP_S, hi)
        if _offset_s(zone, nxt) == offset:
            t = nxt
            continue
        a, b = t, nxt  # offset(a) == offset, offset(b) != offset
        while b - a > 1:
            mid = (a + b) // 2
            if _offset_s(zone, mid) == offset:
                a = mid
            else:
                b = mid
        segments.append((seg_start, b, offset))
        seg_start, offset, t = b, _offset_s(zone, b), b
    segments.append((seg_start, hi, offset))
    return segments


class BusinessCalendar:
    """A team's or an agent's working time: weekly hours in a time zone, minus public
    holidays and closures, plus extra working days. Immutable and hashable; see the module
    docstring for the exact rules (DST included)."""

    __slots__ = (
        "_closures",
        "_day_intervals",
        "_extra",
        "_hours",
        "_key",
        "_week",
        "_zone",
        "country",
        "subdivision",
        "time_zone",
    )

    time_zone: str
    country: str | None
    subdivision: str | None
    _zone: ZoneInfo
    _hours: WorkingHours
    _closures: frozenset[date]
    _extra: dict[date, tuple[Interval, ...]]
    _key: tuple[object, ...]
    _day_intervals: Callable[[int], tuple[Interval, ...]]
    _week: Callable[[int], tuple[int, int | None, int | None]]

    def __init__(
        self,
        time_zone: str,
        hours: WorkingHours,
        country: str | None = None,
        subdivision: str | None = None,
        closures: Iterable[date] = (),
        extra_working_days: Mapping[date, Sequence[IntervalSpec]] | None = None,
    ) -> None:
        try:
            zone = ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {time_zone!r}") from None
        if not isinstance(hours, WorkingHours):
            raise TypeError("hours must be a WorkingHours")
        if subdivision is not None and country is None:
            raise ValueError("a subdivision needs a country")
        if country is not None:
            try:
                holidays.country_holidays(country, subdiv=subdivision)
            except NotImplementedError as exc:
                raise ValueError(f"no public holidays known for {country!r}: {exc}") from None
        closed = frozenset(closures)
        extra = {
            day: _normalise_day(intervals) for day, intervals in (extra_working_days or {}).items()
        }
        for day in (*closed, *extra):
            if type(day) is not date:
                raise TypeError(f"closures and extra working days are dates, got {day!r}")
        if both := sorted(closed & extra.keys()):
            raise ValueError(f"dates both closed and extra working days: {both}")
        if hours.is_empty and not any(extra.values()):
            raise ValueError(
                "the calendar has no working time at all: every weekday is closed and there "
                "are no extra working days"
            )
        sets = object.__setattr__
        sets(self, "time_zone", time_zone)
        sets(self, "country", country)
        sets(self, "subdivision", subdivision)
        sets(self, "_zone", zone)
        sets(self, "_hours", hours)
        sets(self, "_closures", closed)
        sets(self, "_extra", extra)
        sets(
            self,
            "_key",
            (time_zone, hours, country, subdivision, closed, tuple(sorted(extra.items()))),
        )
        sets(self, "_day_intervals", lru_cache(maxsize=_DAY_CACHE_SIZE)(self._compute_day))
        sets(self, "_week", lru_cache(maxsize=_WEEK_CACHE_SIZE)(self._compute_week))

    # -- value semantics -------------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("BusinessCalendar is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("BusinessCalendar is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        where = f", country={self.country!r}" if self.country else ""
        if self.subdivision:
            where += f", subdivision={self.subdivision!r}"
        return f"BusinessCalendar({self.time_zone!r}{where})"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            BusinessCalendar,
            (
                self.time_zone,
                self._hours,
                self.country,
                self.subdivision,
                self._closures,
                self._extra,
            ),
        )

    # -- read-only views -------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    @property
    def hours(self) -> WorkingHours:
        return self._hours

    @property
    def closures(self) -> frozenset[date]:
        return self._closures

    @property
    def extra_working_days(self) -> Mapping[date, tuple[Interval, ...]]:
        return dict(self._extra)

    def is_holiday(self, day: date) -> bool:
        """A public holiday of the calendar's country (and subdivision)."""
        if self.country is None:
            return False
        return day in _holiday_dates(self.country, self.subdivision, day.year)

    def wall_intervals(self, day: date) -> tuple[Interval, ...]:
        """The day's opening hours as microseconds since local midnight (after closures,
        extra working days and holidays)."""
        if day in self._closures:
            return ()
        extra = self._extra.get(day)
        if extra is not None:
            return extra
        if self.is_holiday(day):
            return ()
        return self._hours.days[day.weekday()]

    # -- cached UTC intervals (used by business_time) --------------------------------------

    def day_intervals(self, ordinal: int) -> tuple[Interval, ...]:
        """Open intervals of local date ``date.fromordinal(ordinal)`` as UTC epoch
        microseconds ``[start, end)``, sorted and disjoint. Cached."""
        return self._day_intervals(ordinal)

    def week(self, monday_ordinal: int) -> tuple[int, int | None, int | None]:
        """(business microseconds, first opening, last closing) for the seven local dates from
        ``monday_ordinal``; opening/closing are None for a week without working time. Cached."""
        return self._week(monday_ordinal)

    def _compute_day(self, ordinal: int) -> tuple[Interval, ...]:
        wall = self.wall_intervals(date.fromordinal(ordinal))
        if not wall:
            return ()
        midnight_s = (ordinal - EPOCH_ORDINAL) * 86_400  # local midnight, read as if UTC
        segments = _offset_segments(
            self._zone, midnight_s - _OFFSET_MARGIN_S, midnight_s + 86_400 + _OFFSET_MARGIN_S
        )
        midnight_us = midnight_s * US_PER_SECOND
        pieces: list[Interval] = []
        for wall_start, wall_end in wall:
            ws, we = midnight_us + wall_start, midnight_us + wall_end
            for seg_start, seg_end, offset in segments:
                off_us = offset * US_PER_SECOND
                lo = max(seg_start * US_PER_SECOND, ws - off_us)
                hi = min(seg_end * US_PER_SECOND, we - off_us)
                if lo < hi:
                    pieces.append((lo, hi))
        pieces.sort()
        merged: list[Interval] = []
        for lo, hi in pieces:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return tuple(merged)

    def _compute_week(self, monday_ordinal: int) -> tuple[int, int | None, int | None]:
        total = 0
        first: int | None = None
        last: int | None = None
        for ordinal in range(monday_ordinal, monday_ordinal + 7):
            for start, end in self._day_intervals(ordinal):
                total += end - start
                first = start if first is None else min(first, start)
                last = end if last is None else max(last, end)
        return total, first, last


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_from_us(value: int) -> datetime:
    """An aware UTC datetime from epoch microseconds."""
    return _EPOCH + timedelta(microseconds=value)
