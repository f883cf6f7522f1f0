"""Free slots of one agent for one booking type. Pure Python (zoneinfo only), no Django.

Everything comes in as input, so the rules can be property-tested quickly:

* ``working``: the agent's working intervals in UTC (``people.working_time.agent_calendar``'s
  ``open_intervals`` per local day: working hours expanded in the agent's zone, so 23- and
  25-hour days are right, minus absences). Intervals that touch (midnight of a 24-hour
  agent) join up.
* ``booked``: the agent's existing appointments, each with the buffers it was booked with.
* ``busy``: busy intervals of external calendars (UTC).

A slot ``[start, start + duration)`` is offered when

1. it lies wholly inside one working interval (its buffers may fall outside working hours);
2. its buffered span ``[start - buffer_before, end + buffer_after)`` overlaps no existing
   appointment's buffered span and no busy interval: buffers keep other commitments away
   on both sides, which is also what the database refuses (two buffered spans of one agent
   that overlap);
3. it starts no earlier than ``now + minimum_notice`` and before ``now + horizon``;
4. it starts on the step grid: a whole number of steps after the agent's local midnight,
   read on the wall clock, so a 30-minute step offers :00 and :30 on DST days too;
5. the agent's local day of its start holds fewer than ``max_per_day`` counted
   appointments (None: no limit);
6. it starts inside the asked ``window``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["Booked", "Rules", "Span", "any_member_free", "free_slots", "merge"]

Span = tuple[datetime, datetime]
ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Rules:
    """A booking type's rules, as durations (validated by the booking type's actions)."""

    duration: timedelta
    step: timedelta
    buffer_before: timedelta = ZERO
    buffer_after: timedelta = ZERO
    minimum_notice: timedelta = ZERO
    horizon: timedelta = timedelta(days=60)
    max_per_day: int | None = None

    def __post_init__(self) -> None:
        if self.duration <= ZERO or self.step <= ZERO:
            raise ValueError("a slot needs a positive duration and step")
        if min(self.buffer_before, self.buffer_after, self.minimum_notice, self.horizon) < ZERO:
            raise ValueError("buffers, notice and horizon cannot be negative")
        if self.max_per_day is not None and self.max_per_day < 1:
            raise ValueError("max_per_day is at least 1 (None: no limit)")


@dataclass(frozen=True, slots=True)
class Booked:
    """An existing appointment: its time, the buffers it was booked with, and whether it
    counts towards the per-day limit (an appointment of the same booking type)."""

    start: datetime
    end: datetime
    buffer_before: timedelta = ZERO
    buffer_after: timedelta = ZERO
    counts_for_limit: bool = True

    @property
    def span(self) -> Span:
        return (self.start - self.buffer_before, self.end + self.buffer_after)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans in UTC; overlapping or touching spans join up."""
    out: list[Span] = []
    for start, end in sorted((_utc(a), _utc(b)) for a, b in spans if b > a):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _align_up(moment: datetime, zone: ZoneInfo, step_us: int) -> datetime:
    """The first instant at or after `moment` whose wall-clock time in `zone` is a whole
    number of steps after local midnight. A DST change can move the wall clock under a
    step, so the check repeats until the instant itself is on the grid."""
    for _ in range(4):
        local = moment.astimezone(zone)
        since_midnight = (
            local.hour * 3600 + local.minute * 60 + local.second
        ) * 1_000_000 + local.microsecond
        behind = since_midnight % step_us
        if behind == 0:
            return moment
        moment = moment + timedelta(microseconds=step_us - behind)
    return moment


def free_slots(
    *,
    working: Iterable[Span],
    booked: Iterable[Booked] = (),
    busy: Iterable[Span] = (),
    rules: Rules,
    zone: ZoneInfo,
    now: datetime,
    window: Span,
) -> list[Span]:
    """The agent's free slots starting inside `window`, in order (see the module's rules)."""
    now = _utc(now)
    appointments = list(booked)
    blocked = merge([*(b.span for b in appointments), *busy])
    blocked_starts = [start for start, _ in blocked]
    blocked_ends = [end for _, end in blocked]
    per_day: dict[date, int] = {}
    for appointment in appointments:
        if appointment.counts_for_limit:
            day = _utc(appointment.start).astimezone(zone).date()
            per_day[day] = per_day.get(day, 0) + 1
    full_days = (
        set()
        if rules.max_per_day is None
        else {day for day, count in per_day.items() if count >= rules.max_per_day}
    )
    earliest = max(_utc(window[0]), now + rules.minimum_notice)
    latest = min(_utc(window[1]), now + rules.horizon)  # a start must be before this
    step_us = rules.step // timedelta(microseconds=1)
    duration, before, after = rules.duration, rules.buffer_before, rules.buffer_after
    slots: list[Span] = []
    for opens, closes in merge(working):
        if closes - duration < earliest or opens >= latest:
            continue
        start = _align_up(max(opens, earliest), zone, step_us)
        while start < latest and start + duration <= closes:
            end = start + duration
            lo, hi = start - before, end + after
            index = bisect_right(blocked_ends, lo)  # the first blocked span ending after lo
            if index < len(blocked) and blocked_starts[index] < hi:
                # Jump past the blocking span rather than stepping through it.
                start = _align_up(
                    max(start + rules.step, blocked_ends[index] + before), zone, step_us
                )
                continue
            if not full_days or start.astimezone(zone).date() not in full_days:
                slots.append((start, end))
            start = _align_up(start + rules.step, zone, step_us)
    return slots


def any_member_free(members: Iterable[Sequence[Span]]) -> list[Span]:
    """A team's slots: every slot at least one member has free, each once, in order."""
    return sorted({slot for slots in members for slot in slots})
