"""Which SlaOutcome rows to write for what the clock computed (docs/sla.md, "Outcomes").

Pure planning, no queries: klient.sla.actions loads the rows already recorded, calls
`plan` per conversation and writes the result in the transaction that stores the clock
state. The rules:

* a cycle with an outcome and no row gets one;
* a recorded breach is final (it was emitted as `sla.breached`, once);
* a recorded met or cancelled outcome that the clock now decides differently (a bounce
  voided the answer, then the due moment passed; a reopened case solved again) is replaced;
* a cycle that runs again (a reopen, a voided answer) loses its met or cancelled row;
* a running cycle whose target the conversation's policy no longer has is cancelled.

Team and assignee are those at the moment the outcome was decided, replayed from the
`team.changed` / `assignee.changed` events, so a late recomputation (or the backfill)
credits whoever had the conversation then."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from klient.conversations.events import Kind as ConversationKind
from klient.sla.clock import BREACHED, CycleOutcome

OWNER_KINDS = (ConversationKind.TEAM_CHANGED, ConversationKind.ASSIGNEE_CHANGED)


@dataclass(frozen=True, slots=True)
class OwnerChange:
    """A `team.changed` or `assignee.changed` event: `field` went from `old` to `new`."""

    at: datetime
    field: str  # "team" | "assignee"
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Computed:
    """What one recomputation decided for a conversation."""

    policy_id: int | None
    cycles: tuple[CycleOutcome, ...]  # the clock's, running ones included
    dropped: tuple[CycleOutcome, ...] = ()  # running cycles of targets the policy lost
    dropped_policy_id: int | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """An SlaOutcome row as the planner needs it."""

    pk: int
    outcome: str
    ended_at: datetime


@dataclass(frozen=True, slots=True)
class NewOutcome:
    """A row to insert."""

    target: str
    cycle_started_at: datetime
    due_at: datetime | None
    ended_at: datetime
    outcome: str
    policy_id: int | None
    team_id: int | None
    assignee_id: int | None


def owner_at(changes: Sequence[OwnerChange], field: str, moment: datetime, current: Any) -> Any:
    """The value `field` had at `moment`: the last change at or before it, else the value
    before the first change after it, else the current value."""
    mine = [c for c in changes if c.field == field]
    before = [c for c in mine if c.at <= moment]
    if before:
        return before[-1].new
    if mine:
        return mine[0].old
    return current


def plan(
    computed: Computed,
    recorded: Mapping[tuple[str, datetime], Recorded],
    changes: Sequence[OwnerChange],
    current: tuple[int | None, int | None],
) -> tuple[list[int], list[NewOutcome]]:
    """(pks of rows to delete, rows to insert) for one conversation."""
    delete: list[int] = []
    insert: list[NewOutcome] = []

    def decided(items: Iterable[CycleOutcome], policy_id: int | None) -> None:
        for cycle in items:
            row = recorded.get((cycle.target, cycle.started_at))
            if row is not None and row.outcome == BREACHED:
                continue  # final
            if cycle.outcome is None or cycle.ended_at is None:
                if row is not None:
                    delete.append(row.pk)  # it runs again
                continue
            if row is not None:
                if (row.outcome, row.ended_at) == (cycle.outcome, cycle.ended_at):
                    continue
                delete.append(row.pk)
            insert.append(
                NewOutcome(
                    target=cycle.target,
                    cycle_started_at=cycle.started_at,
                    due_at=cycle.due_at,
                    ended_at=cycle.ended_at,
                    outcome=cycle.outcome,
                    policy_id=policy_id,
                    team_id=owner_at(changes, "team", cycle.ended_at, current[0]),
                    assignee_id=owner_at(changes, "assignee", cycle.ended_at, current[1]),
                )
            )

    decided(computed.cycles, computed.policy_id)
    decided(computed.dropped, computed.dropped_policy_id)
    return delete, insert
