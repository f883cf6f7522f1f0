"""An agent's effective calendar: their working hours minus their absences. Pure Python.

Absences are half-open ``[starts_at, ends_at)`` like opening intervals, so an absence that
ends at 09:00 leaves the agent open at 09:00. Without working hours (``hours`` None) the
agent counts as always working, minus the absences: that is what "calendar time" means for
the SLA, and it keeps an agent without any configuration reachable rather than never.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from klient.calendars import business_time
from klient.calendars.calendar import BusinessCalendar

__all__ = ["AgentCalendar"]

Span = tuple[datetime, datetime]


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, disjoint, non-touching spans in UTC (overlapping absences join up)."""
    cleaned = sorted(
        (_aware(start, "starts_at"), _aware(end, "ends_at")) for start, end in spans if end > start
    )
    merged: list[Span] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


class AgentCalendar:
    """Working hours (a BusinessCalendar, or None for always) minus absences."""

    __slots__ = ("_ends", "_starts", "absences", "hours")

    def __init__(self, hours: BusinessCalendar | None, absences: Iterable[Span] = ()) -> None:
        self.hours = hours
        self.absences = _merge(absences)
        self._starts = [start for start, _ in self.absences]
        self._ends = [end for _, end in self.absences]

    def absence_at(self, at: datetime) -> Span | None:
        """The absence covering ``at``, if any."""
        moment = _aware(at, "at")
        index = bisect_right(self._starts, moment) - 1
        if index >= 0 and moment < self._ends[index]:
            return self.absences[index]
        return None

    def works_at(self, at: datetime) -> bool:
        """Whether ``at`` is inside the working hours (absences aside)."""
        if self.hours is None:
            _aware(at, "at")
            return True
        return business_time.is_open(self.hours, at)

    def is_open(self, at: datetime) -> bool:
        """Working at ``at``: inside the working hours and not absent."""
        return self.works_at(at) and self.absence_at(at) is None

    def next_opening(
        self, at: datetime, *, horizon_days: int = business_time.HORIZON_DAYS
    ) -> datetime:
        """The earliest instant (UTC) at or after ``at`` when the agent is working. Raises
        ValueError when there is none within the working hours' horizon."""
        moment = _aware(at, "at")
        limit = moment + timedelta(days=horizon_days)
        while True:
            if self.hours is not None:
                moment = business_time.next_opening(self.hours, moment, horizon_days=horizon_days)
            absence = self.absence_at(moment)
            if absence is None:
                return moment
            moment = absence[1]
            if moment > limit:
                raise ValueError(f"no working time within {horizon_days} days after {at}")

    def open_intervals(self, day: date) -> tuple[Span, ...]:
        """The local date's working intervals (UTC) with the absences cut out. The day is the
        working hours' local date, or the UTC date for an agent without hours."""
        if self.hours is None:
            start = datetime.combine(day, time(0), tzinfo=UTC)
            base: tuple[Span, ...] = ((start, start + timedelta(days=1)),)
        else:
            base = business_time.open_intervals(self.hours, day)
        out: list[Span] = []
        for opens, closes in base:
            cursor = opens
            for start, end in self.absences:
                if end <= cursor or start >= closes:
                    continue
                if start > cursor:
                    out.append((cursor, start))
                cursor = max(cursor, end)
            if cursor < closes:
                out.append((cursor, closes))
        return tuple(out)
