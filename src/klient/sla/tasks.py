"""Tasks and event handlers: take ids, idempotent, call actions."""

from __future__ import annotations

from django_tasks import task

from klient.core.models import Event
from klient.sla import actions


def recompute_for_events(event_ids: list[int]) -> int:
    """Handler (core.wiring): bring the SLA of the events' conversations up to date, each
    conversation once however many of the events touch it. Returns how many were."""
    conversation_ids = set(
        Event.objects.filter(pk__in=event_ids, conversation__isnull=False).values_list(
            "conversation_id", flat=True
        )
    )
    return actions.recompute_many(sorted(conversation_ids))


@task()
def recompute_for_event(event_id: int) -> str:
    """Bring the SLA of the event's conversation up to date (wired on conversation events)."""
    conversation_id = (
        Event.objects.filter(pk=event_id).values_list("conversation_id", flat=True).first()
    )
    if conversation_id is None:
        return "no conversation"
    row = actions.recompute(conversation_id)
    return f"next due {row.next_due_at.isoformat() if row.next_due_at else 'none'}"
