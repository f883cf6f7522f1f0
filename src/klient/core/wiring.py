"""One explicit table of what happens after a change commits (no signals).

EVENT_HANDLERS maps an Event kind to handlers that take the event id; they run in a worker,
one `klient.core.tasks.dispatch_event` task per event. SWEEPS lists the
functions the worker's sweeper calls every few seconds to re-drive durable work rows
(inbound mail, deliveries) whose task was lost or whose worker died."""

from __future__ import annotations

import logging
from functools import partial
from importlib import import_module
from typing import Any

from klient.core.models import Event

logger = logging.getLogger(__name__)

_SLA = "klient.sla.tasks.recompute_for_event"
EVENT_HANDLERS: dict[str, list[str]] = {
    "message.outbound_queued": ["klient.mail.tasks.send_delivery_for_event"],
    "message.received": ["klient.mail.tasks.acknowledge_for_event", _SLA],
    "delivery.sent": [_SLA],
    "delivery.bounced": [_SLA],
    "delivery.failed": [_SLA],
    "status.changed": [_SLA],
    "priority.changed": [_SLA],
    "team.changed": [_SLA],
}

SWEEPS: list[str] = [
    "klient.mail.actions.redrive_stale_inbound",
    "klient.mail.sending.redrive_due_deliveries",
    "klient.mail.imap.poll_due_mailboxes",
    "klient.sla.scheduler.sweep_due_timers",
]


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def publish(event: Event) -> None:
    """Queue the event's handlers as one task. Called on commit; a lost enqueue is caught
    by the sweepers (work rows, SLA timers), so failures here are logged, not raised."""
    if event.kind not in EVENT_HANDLERS:
        return
    try:
        _resolve("klient.core.tasks.dispatch_event").enqueue(event.pk)
    except Exception:
        logger.exception("could not enqueue the handlers of event %s", event.pk)


def run_handlers(event_id: int) -> int:
    """Run the handlers of an event one after the other; one failing does not stop the
    others. Returns how many failed."""
    kind = Event.objects.filter(pk=event_id).values_list("kind", flat=True).first()
    failed = 0
    for path in EVENT_HANDLERS.get(kind or "", []):
        handler = _resolve(path)
        try:
            handler.call(event_id) if hasattr(handler, "call") else handler(event_id)
        except Exception:
            failed += 1
            logger.exception("handler %s failed for event %s", path, event_id)
    return failed


def publish_on_commit(*events: Event) -> None:
    """Publish events once the current transaction commits (never for a rolled-back one)."""
    from django.db import transaction

    for event in events:
        transaction.on_commit(partial(publish, event))


def sweep() -> int:
    """Run every sweep once; returns how many work items they re-drove."""
    total = 0
    for path in SWEEPS:
        try:
            total += int(_resolve(path)() or 0)
        except Exception:
            logger.exception("sweep %s failed", path)
    return total
