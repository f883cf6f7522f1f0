"""The one task that runs an event's handlers (core.wiring.EVENT_HANDLERS) in a worker."""

from __future__ import annotations

from django_tasks import task

from klient.core import wiring


@task()
def dispatch_event(event_id: int) -> int:
    """Run every handler of the event; returns how many failed (each failure is logged)."""
    return wiring.run_handlers(event_id)
