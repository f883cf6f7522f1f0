"""Reads: conversations by SLA state, and the state recomputed from the event log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from klient.core.models import Event
from klient.sla.actions import Batch, fields_of
from klient.sla.events import ALERT_KINDS
from klient.sla.models import ConversationSla


def waiting_on_us(team_id: int | None = None) -> QuerySet[ConversationSla]:
    """Conversations with a running target, the earliest due first."""
    rows = ConversationSla.objects.filter(due_at__isnull=False)
    if team_id is not None:
        rows = rows.filter(conversation__team_id=team_id)
    return rows.select_related("conversation").order_by("due_at", "conversation_id")


def breaching_soon(now: datetime, within: timedelta) -> QuerySet[ConversationSla]:
    """Running targets due within `within` from `now` and not yet past due."""
    return waiting_on_us().filter(due_at__gt=now, due_at__lte=now + within)


def breached(now: datetime) -> QuerySet[ConversationSla]:
    """Running targets already past due."""
    return waiting_on_us().filter(due_at__lte=now)


def recomputed_fields(conversation_id: int, now: datetime) -> dict[str, Any]:
    """What the stored ConversationSla of a conversation must hold at `now`, computed from
    scratch: the clock from the conversation's events, the emitted alerts from the sla.*
    events in the log."""
    emitted = [
        data.get("key")
        for data in Event.objects.filter(
            conversation_id=conversation_id, kind__in=ALERT_KINDS.values()
        ).values_list("data", flat=True)
    ]
    policy, state = Batch.load([conversation_id]).state(conversation_id, now)
    return fields_of(policy, state, emitted)
