"""When an agent is deactivated, the open conversations assigned to them go back to their
team's queue: nobody should wait for an answer from someone who no longer works here.
What they did stays (messages, notes and events keep their author)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from klient.core.models import Event
from klient.core.wiring import publish_on_commit

from . import events
from .models import Conversation

STOPPED = (Conversation.Status.SOLVED, Conversation.Status.CLOSED)


def release_assigned(agent_id: int, *, actor: Any) -> int:
    """Unassign the agent's open conversations (one assignee.changed each, with the reason);
    returns how many. Idempotent: a second call finds none."""
    released = 0
    with transaction.atomic():
        rows = (
            Conversation.objects.select_for_update()
            .filter(assignee_id=agent_id)
            .exclude(status__in=STOPPED)
            .order_by("pk")
        )
        published = []
        for conversation in rows:
            published.append(
                events.field_changed(
                    conversation,
                    "assignee",
                    agent_id,
                    None,
                    actor=actor,
                    reason="agent deactivated",
                )
            )
            conversation.assignee = None
            conversation.updated_at = timezone.now()
            conversation.save(update_fields=["assignee", "updated_at"])
            released += 1
        publish_on_commit(*published)
    return released


def release_for_events(event_ids: list[int]) -> None:
    """Handler of agent.deactivated."""
    for event in Event.objects.filter(pk__in=event_ids).select_related("actor").order_by("pk"):
        release_assigned(int(event.data["agent"]), actor=event.actor)
