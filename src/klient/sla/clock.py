"""The SLA clock: a conversation's targets, pauses, warnings and breaches computed from its
event history. Pure Python, no Django; the rules are written down in docs/sla.md.

`evaluate(targets, calendar, events, now)` folds the conversation's ordered events (the
kinds the conversation actions write, see `CLOCK_KINDS`) into an `SlaState`. It is a
function of its inputs only, so the state stored for a conversation can always be
recomputed from the event log and compared.

Vocabulary
----------
* A *target* is one promise of the policy: ``first_reply``, ``next_reply``,
  ``periodic_update`` or ``resolution``, each a duration of business time (with a calendar)
  or of calendar time (without one).
* A *cycle* is one run of a target, from the moment it starts to the moment it ends (met,
  restarted or dropped). ``first_reply`` and ``resolution`` have one cycle, ``next_reply``
  one per customer message that waits for an answer, ``periodic_update`` one per public
  answer. Every cycle that has ended gets one *outcome* (`CycleOutcome`): ``met``
  (answered, updated or resolved in time), ``breached`` (its due moment passed first; a
  breach is final) or ``cancelled`` (it ended without being met or breached: the
  conversation was solved or closed, merged away, or the customer's wait restarted).
* A *merge* (``conversation.merged`` with ``waiting_since``) carries the merged
  conversation's wait over: the waiting target's cycle starts at the earlier moment.
* *Answer-and-solve*: a status change made together with a reply (``data.reply``, or right
  after the reply's ``message.outbound_queued``) does not end the reply targets; they wait
  for that reply's delivery, and that stop does not halt them (see `_Cycle.held`).
* An *answer* is the delivery (``delivery.sent``) of a person's public reply. A later
  ``delivery.bounced`` or ``delivery.failed`` of that message voids it, as if it had never
  been delivered, unless the message was resent (``delivery.resend_requested``) in between:
  the resend's delivery is an answer at the moment it is delivered.
* The clock *runs* while the status is new or open. It is *paused* while the conversation
  waits on the customer (pending) or is on hold, and *stopped* while solved or closed: no
  target time elapses in either.
* A cycle's *warning* moment is when ``warning_percent`` of its duration has elapsed, its
  *due* moment when all of it has; an *alert* is a warning or breach moment reached (at or
  before ``now``) before the cycle ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from klient.calendars.business_time import add_business_time, business_time_between
from klient.calendars.calendar import BusinessCalendar
from klient.conversations.events import Kind as ConversationKind

__all__ = [
    "BREACHED",
    "CANCELLED",
    "CLOCK_KINDS",
    "MET",
    "PAUSED_STATUSES",
    "STOPPED_STATUSES",
    "TARGET_NAMES",
    "Alert",
    "ClockEvent",
    "CycleOutcome",
    "SlaState",
    "TargetState",
    "Targets",
    "evaluate",
]

TARGET_NAMES = ("first_reply", "next_reply", "periodic_update", "resolution")
PAUSED_STATUSES = frozenset({"pending", "on_hold"})
STOPPED_STATUSES = frozenset({"solved", "closed"})
# The event kinds the clock reads; every other kind is ignored.
CLOCK_KINDS = frozenset(
    {
        ConversationKind.MESSAGE_RECEIVED,
        # Only to tell which status change came with a reply (see `_solved_with`).
        ConversationKind.MESSAGE_OUTBOUND_QUEUED,
        ConversationKind.DELIVERY_SENT,
        ConversationKind.DELIVERY_BOUNCED,
        ConversationKind.DELIVERY_FAILED,
        # A resent reply is a new chance: a failure before it voids only earlier sends.
        ConversationKind.DELIVERY_RESEND_REQUESTED,
        ConversationKind.STATUS_CHANGED,
        ConversationKind.CONVERSATION_MERGED,
        ConversationKind.CONVERSATION_MERGED_INTO,
    }
)
MET, BREACHED, CANCELLED = "met", "breached", "cancelled"
ANSWER_VOIDING_KINDS = frozenset(
    {ConversationKind.DELIVERY_BOUNCED, ConversationKind.DELIVERY_FAILED}
)
# Status changes written before they carried ``data.reply`` are recognised as made with a
# reply when they directly follow its queueing: the same reply() call wrote both.
SAME_CALL = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One event as the clock reads it. ``data`` is the Event's data; for delivery events
    the adapter adds the message's ``sender`` and ``message_kind`` (read from the Message
    table), which the clock needs to tell a person's answer from an acknowledgement."""

    kind: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Targets:
    """A policy's promises; None means no such target."""

    first_reply: timedelta | None = None
    next_reply: timedelta | None = None
    periodic_update: timedelta | None = None
    resolution: timedelta | None = None
    warning_percent: int = 75

    def __post_init__(self) -> None:
        if not 1 <= self.warning_percent <= 100:
            raise ValueError(f"warning_percent must be 1..100, got {self.warning_percent}")
        for name in TARGET_NAMES:
            value = getattr(self, name)
            if value is not None and value <= timedelta(0):
                raise ValueError(f"the {name} target must be positive, got {value}")

    def duration(self, name: str) -> timedelta | None:
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class Alert:
    """A warning or breach moment reached. ``key`` identifies it across recomputations, so
    the adapter emits each alert once."""

    kind: str  # "warning" | "breach"
    target: str
    started_at: datetime
    at: datetime
    due_at: datetime | None

    @property
    def key(self) -> str:
        return f"{self.target}:{self.kind}:{self.started_at.isoformat()}"


@dataclass(frozen=True, slots=True)
class TargetState:
    """The latest cycle of one target."""

    name: str
    started_at: datetime
    due_at: datetime | None  # None while the clock does not run (paused or stopped)
    warn_at: datetime | None
    ended_at: datetime | None  # when the cycle was met, restarted or dropped
    met: bool
    breached: bool  # still open and past due


@dataclass(frozen=True, slots=True)
class CycleOutcome:
    """One cycle of a target and how it ended. ``outcome`` is None while it runs (or is
    paused); ``ended_at`` is when the outcome was decided: the answer or the solve for
    ``met``, the due moment for ``breached``, the end for ``cancelled``."""

    target: str
    started_at: datetime
    due_at: datetime | None
    outcome: str | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class SlaState:
    started_at: datetime | None = None
    status: str = "new"
    paused: bool = False
    stopped: bool = False
    paused_since: datetime | None = None
    pause_total: timedelta = timedelta(0)  # closed pending/on-hold intervals, wall clock
    first_reply_at: datetime | None = None
    targets: tuple[TargetState, ...] = ()
    alerts: tuple[Alert, ...] = ()
    next_due_at: datetime | None = None
    cycles: tuple[CycleOutcome, ...] = ()  # every cycle, in the order they started

    def target(self, name: str) -> TargetState | None:
        for state in self.targets:
            if state.name == name:
                return state
        return None

    def due(self, name: str) -> datetime | None:
        """The due moment of the target's open cycle, if it is running."""
        state = self.target(name)
        if state is None or state.ended_at is not None:
            return None
        return state.due_at

    @property
    def breached(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.targets if t.breached)


@dataclass(slots=True)
class _Cycle:
    name: str
    start: datetime
    end: datetime | None = None
    met: bool = False
    # The moments a reply cycle's conversation was solved or closed together with a reply:
    # the cycle waits for that reply's delivery, and those stops do not halt it (the
    # customer has not been answered yet; a failed or bounced reply leaves it running).
    held: tuple[datetime, ...] = ()


def _is_answer(event: ClockEvent, voided: bool) -> bool:
    """A public outbound message written by a person, delivered, and not bounced/failed."""
    data = event.data
    return (
        event.kind == ConversationKind.DELIVERY_SENT
        and data.get("sender") == "agent"
        and data.get("message_kind") == "outbound"
        and not voided
    )


def _voided_sends(history: Sequence[ClockEvent]) -> set[int]:
    """The positions in `history` of deliveries that did not reach the customer after all:
    each send of a message that later bounced or failed, unless the message was resent in
    between (the resend's own delivery is judged by what follows it)."""
    sends: dict[Any, list[int]] = {}
    voided: set[int] = set()
    for position, event in enumerate(history):
        message = event.data.get("message")
        if event.kind == ConversationKind.DELIVERY_SENT:
            sends.setdefault(message, []).append(position)
        elif event.kind in ANSWER_VOIDING_KINDS:
            voided.update(sends.pop(message, ()))
        elif event.kind == ConversationKind.DELIVERY_RESEND_REQUESTED:
            sends.pop(message, None)
    return voided


def _is_agent_reply_queued(event: ClockEvent) -> bool:
    return event.kind == ConversationKind.MESSAGE_OUTBOUND_QUEUED and not event.data.get(
        "automatic"
    )


def _solved_with_reply(event: ClockEvent, previous: ClockEvent | None) -> bool:
    """A status change made together with a reply (reply() with a status)."""
    if event.data.get("reply") is not None:
        return True
    return (
        previous is not None
        and _is_agent_reply_queued(previous)
        and event.at - previous.at <= SAME_CALL
    )


def _is_customer_message(event: ClockEvent) -> bool:
    data = event.data
    return (
        event.kind == ConversationKind.MESSAGE_RECEIVED
        and data.get("sender", "customer") == "customer"
        and not (data.get("auto_reply") or data.get("bounce") or data.get("bulk"))
    )


class _Walker:
    """When does a cycle reach a given amount of running time, skipping the intervals when
    the clock does not run."""

    def __init__(
        self, calendar: BusinessCalendar | None, halts: Sequence[tuple[datetime, datetime | None]]
    ) -> None:
        self.calendar = calendar
        self.halts = halts

    def _elapsed(self, a: datetime, b: datetime) -> timedelta:
        if b <= a:
            return timedelta(0)
        if self.calendar is None:
            return b - a
        return business_time_between(self.calendar, a, b)

    def _add(self, a: datetime, duration: timedelta) -> datetime:
        if self.calendar is None:
            return a + duration
        return add_business_time(self.calendar, a, duration)

    def moment(self, start: datetime, duration: timedelta) -> datetime | None:
        """None when the clock halts for good (an open pause) before the moment."""
        cursor, remaining = start, duration
        for halt_start, halt_end in self.halts:
            if halt_end is not None and halt_end <= cursor:
                continue
            if halt_start > cursor:
                candidate = self._add(cursor, remaining)
                if candidate <= halt_start:
                    return candidate
                remaining -= self._elapsed(cursor, halt_start)
            if halt_end is None:
                return None
            cursor = max(cursor, halt_end)
        return self._add(cursor, remaining)


def evaluate(
    targets: Targets | None,
    calendar: BusinessCalendar | None,
    events: Iterable[ClockEvent],
    now: datetime,
) -> SlaState:
    """The SLA state at ``now`` of a conversation whose ordered events are ``events``
    (events after ``now`` are ignored). ``calendar`` None counts calendar time; ``targets``
    None (no policy applies) still tracks the first reply and the pauses."""
    # Aware datetimes sharing a tzinfo subtract as wall-clock times: work in UTC.
    now = now.astimezone(UTC)
    history = [
        ClockEvent(e.kind, e.at.astimezone(UTC), e.data)
        for e in events
        if e.kind in CLOCK_KINDS and e.at <= now
    ]
    voided = _voided_sends(history)
    targets = targets or Targets()

    status = "new"
    started_at: datetime | None = None
    first_reply_at: datetime | None = None
    cycles: list[_Cycle] = []
    open_cycle: dict[str, _Cycle] = {}
    halts: list[tuple[datetime, datetime | None]] = []  # paused or stopped
    halted_since: datetime | None = None
    paused_since: datetime | None = None
    pause_total = timedelta(0)
    stopped_since: datetime | None = None
    # Closed by a merge into another conversation: what still ran there is cancelled,
    # its resolution included (the survivor carries the case on).
    merged_away = False
    stopped_by_previous_event = False
    previous: ClockEvent | None = None

    def start(name: str, at: datetime) -> None:
        if targets.duration(name) is None:
            return
        cycle = _Cycle(name, at)
        cycles.append(cycle)
        open_cycle[name] = cycle

    def end(name: str, at: datetime, *, met: bool) -> None:
        cycle = open_cycle.pop(name, None)
        if cycle is not None:
            cycle.end, cycle.met = at, met

    for position, event in enumerate(history):
        at = event.at
        closed_just_before, stopped_by_previous_event = stopped_by_previous_event, False
        before, previous = previous, event
        if _is_customer_message(event):
            if started_at is None:
                started_at = at
                for name in ("first_reply", "periodic_update", "resolution"):
                    start(name, at)
            elif first_reply_at is not None or "first_reply" not in open_cycle:
                # The customer waits for an answer again. While the clock does not run, a
                # message from the customer restarts the wait from this message.
                if (
                    halted_since is not None
                    and "next_reply" in open_cycle
                    and not open_cycle["next_reply"].held
                ):
                    end("next_reply", at, met=False)
                if "next_reply" not in open_cycle:
                    start("next_reply", at)
        elif _is_answer(event, position in voided):
            if first_reply_at is None:
                first_reply_at = at
            end("first_reply", at, met=True)
            end("next_reply", at, met=True)
            if "periodic_update" in open_cycle:
                end("periodic_update", at, met=True)
                start("periodic_update", at)
        elif event.kind == ConversationKind.STATUS_CHANGED:
            new = str(event.data.get("to"))
            was_halted = status in PAUSED_STATUSES or status in STOPPED_STATUSES
            halted = new in PAUSED_STATUSES or new in STOPPED_STATUSES
            if status in PAUSED_STATUSES and new not in PAUSED_STATUSES and paused_since:
                pause_total += at - paused_since
                paused_since = None
            if new in PAUSED_STATUSES and status not in PAUSED_STATUSES:
                paused_since = at
            if halted and not was_halted:
                halted_since = at
            elif was_halted and not halted and halted_since is not None:
                halts.append((halted_since, at))
                halted_since = None
            if new in STOPPED_STATUSES and status not in STOPPED_STATUSES:
                if _solved_with_reply(event, before):
                    # Solved with an answer: the reply targets wait for its delivery.
                    for name in ("first_reply", "next_reply"):
                        if name in open_cycle:
                            open_cycle[name].held += (at,)
                else:
                    # Solved or closed: nobody waits for a reply any more.
                    end("first_reply", at, met=False)
                    end("next_reply", at, met=False)
                stopped_since, stopped_by_previous_event = at, True
            elif status in STOPPED_STATUSES and new not in STOPPED_STATUSES:
                stopped_since, merged_away = None, False
                still_owed = "first_reply" in open_cycle or "next_reply" in open_cycle
                if started_at is not None and not still_owed:
                    # Reopened: the customer waits for news again.
                    start("next_reply", at)
            status = new
        elif event.kind == ConversationKind.CONVERSATION_MERGED_INTO:
            # The merge closes the conversation (the status change just before this
            # event); a conversation already solved or closed keeps its outcomes.
            merged_away = merged_away or closed_just_before
        elif event.kind == ConversationKind.CONVERSATION_MERGED:
            # Another conversation was merged into this one. If its customer had been
            # waiting, the wait goes back to then: merging must not erase silence.
            waited = _moment(event.data.get("waiting_since"))
            if waited is None or waited >= at:
                continue
            if started_at is None:
                started_at = waited
                for name in ("first_reply", "periodic_update", "resolution"):
                    start(name, waited)
                continue
            waiting = "first_reply" if "first_reply" in open_cycle else "next_reply"
            if waiting in open_cycle:
                cycle = open_cycle[waiting]
                cycle.start = min(cycle.start, waited)
            elif status not in STOPPED_STATUSES:
                start("next_reply", waited)
    if halted_since is not None:
        halts.append((halted_since, None))

    walker = _Walker(calendar, halts)
    alerts: list[Alert] = []
    latest: dict[str, TargetState] = {}
    upcoming: list[datetime] = []
    outcomes: list[CycleOutcome] = []
    for cycle in cycles:
        duration = targets.duration(cycle.name)
        assert duration is not None
        warn_duration = duration * targets.warning_percent / 100
        runs = walker
        if cycle.held:
            kept = list(halts)
            for held_at in cycle.held:
                kept = _without_stop_at(kept, held_at)
            runs = _Walker(calendar, kept)
        due = _safe(runs.moment, cycle.start, duration)
        warn = (
            due
            if targets.warning_percent == 100
            else _safe(runs.moment, cycle.start, warn_duration)
        )
        limit = cycle.end
        for kind, moment in (("warning", warn), ("breach", due)):
            if moment is None or (limit is not None and moment >= limit):
                continue
            if moment <= now:
                alerts.append(Alert(kind, cycle.name, cycle.start, moment, due))
            elif limit is None:
                upcoming.append(moment)
        outcomes.append(
            _outcome(cycle, due, now, stopped_since=stopped_since, merged_away=merged_away)
        )
        latest[cycle.name] = TargetState(
            name=cycle.name,
            started_at=cycle.start,
            due_at=due,
            warn_at=warn,
            ended_at=cycle.end,
            met=cycle.met,
            breached=cycle.end is None and due is not None and due <= now,
        )
    alerts.sort(key=lambda a: (a.at, a.target, a.kind))
    return SlaState(
        started_at=started_at,
        status=status,
        paused=status in PAUSED_STATUSES,
        stopped=status in STOPPED_STATUSES,
        paused_since=paused_since,
        pause_total=pause_total,
        first_reply_at=first_reply_at,
        targets=tuple(latest[name] for name in TARGET_NAMES if name in latest),
        alerts=tuple(alerts),
        next_due_at=min(upcoming, default=None),
        cycles=tuple(outcomes),
    )


def _outcome(
    cycle: _Cycle,
    due: datetime | None,
    now: datetime,
    *,
    stopped_since: datetime | None,
    merged_away: bool,
) -> CycleOutcome:
    """How a cycle ended, if it has. The breach test is the breach alert's: due moment
    reached before the cycle ended (an answer exactly at the due moment is on time)."""

    def decided(outcome: str | None, at: datetime | None) -> CycleOutcome:
        return CycleOutcome(cycle.name, cycle.start, due, outcome, at)

    if due is not None and due <= now and (cycle.end is None or due < cycle.end):
        return decided(BREACHED, due)
    if cycle.end is not None:
        return decided(MET if cycle.met else CANCELLED, cycle.end)
    if cycle.held:
        return decided(None, None)  # the answer it was solved with has not been delivered
    if stopped_since is not None:
        # Frozen while solved or closed: resolution is met by the solve (a reopen takes
        # it back), a periodic update is no longer needed.
        met = cycle.name == "resolution" and not merged_away
        return decided(MET if met else CANCELLED, max(stopped_since, cycle.start))
    return decided(None, None)


def _without_stop_at(
    halts: Sequence[tuple[datetime, datetime | None]], moment: datetime
) -> list[tuple[datetime, datetime | None]]:
    """The halts, but the one in effect at ``moment`` ends there: a cycle held by a solve
    with a reply keeps running through that stop until it is reopened."""
    kept: list[tuple[datetime, datetime | None]] = []
    for halt_start, halt_end in halts:
        if halt_start <= moment and (halt_end is None or halt_end > moment):
            if halt_start < moment:
                kept.append((halt_start, moment))
            continue
        kept.append((halt_start, halt_end))
    return kept


def _moment(value: Any) -> datetime | None:
    """An ISO 8601 moment from an event's data, in UTC; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _safe(moment: Any, start: datetime, duration: timedelta) -> datetime | None:
    """A calendar without working time within the search horizon never falls due."""
    try:
        return moment(start, duration)
    except ValueError:
        return None
