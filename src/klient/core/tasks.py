"""The task that runs pending events' handlers (core.wiring.EVENT_HANDLERS) in a worker."""

from __future__ import annotations

from django_tasks import task

from klient.core import wiring


@task()
def dispatch_events() -> int:
    """Drain the outbox: run the handlers of every pending event, in batches. Returns how
    many events were dispatched."""
    return wiring.dispatch_pending()


@task()
def dispatch_event(event_id: int) -> int:
    """Tasks queued before the outbox existed: drain it (the event is in it or done)."""
    return wiring.dispatch_pending()
