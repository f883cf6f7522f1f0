"""Tasks: take ids, idempotent, call actions."""

from __future__ import annotations

from django_tasks import task

from klient.core.models import Event
from klient.sla import actions


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
