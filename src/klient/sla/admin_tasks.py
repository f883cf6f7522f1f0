"""Event handlers (core.wiring) for administrators' SLA changes: bring the affected open
conversations up to date, in batches, in a worker. Idempotent: recomputing twice changes
nothing."""

from __future__ import annotations

from django.db.models import QuerySet

from klient.conversations.models import Conversation
from klient.core.models import Event
from klient.sla import actions
from klient.sla.clock import STOPPED_STATUSES

BATCH = 500


def open_conversations(team_ids: set[int] | None = None) -> QuerySet[Conversation]:
    """Conversations whose clock may still run (not solved or closed), optionally of some
    teams; their SLA depends on the current policies and business hours."""
    rows = Conversation.objects.exclude(status__in=STOPPED_STATUSES)
    return rows if team_ids is None else rows.filter(team_id__in=team_ids)


def recompute_open(team_ids: set[int] | None = None, *, batch: int = BATCH) -> int:
    """Recompute the open conversations (of `team_ids`, or all), `batch` at a time in
    keyset order so memory stays flat. Returns how many were recomputed."""
    done, last = 0, 0
    while True:
        ids = list(
            open_conversations(team_ids)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        done += actions.recompute_many(ids)
        last = ids[-1]


def recompute_after_policy_change(event_ids: list[int]) -> int:
    """Handler for sla.policy_saved / sla.policy_deleted / sla.policies_reordered: any open
    conversation may now match another policy, so all are recomputed once per burst."""
    if not Event.objects.filter(pk__in=event_ids).exists():
        return 0
    return recompute_open()


def recompute_after_hours_change(event_ids: list[int]) -> int:
    """Handler for calendars.working_hours_saved: the open conversations of the teams among
    them (an agent's own hours do not change an SLA)."""
    teams = {
        int(data["team"])
        for data in Event.objects.filter(pk__in=event_ids).values_list("data", flat=True)
        if data.get("team") is not None
    }
    return recompute_open(teams) if teams else 0
