"""One explicit table of what happens after a change commits (no signals).

EVENT_HANDLERS maps an Event kind to tasks that take the event id. SWEEPS lists the
functions the worker's sweeper calls every few seconds to re-drive durable work rows
(inbound mail, deliveries) whose task was lost or whose worker died."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from klient.core.models import Event

logger = logging.getLogger(__name__)

_SLA = "klient.sla.tasks.recompute_for_event"
EVENT_HANDLERS: dict[str, list[str]] = {
    "message.outbound_queued": ["klient.mail.tasks.send_delivery_for_event"],
    "message.received": ["klient.mail.tasks.acknowledge_for_event", _SLA],
    "conversation.created": [_SLA],
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
    """Enqueue the handlers of an event. Called on commit; a lost enqueue is caught by
    the sweeper, so failures here are logged rather than raised into the caller."""
    for path in EVENT_HANDLERS.get(event.kind, []):
        try:
            _resolve(path).enqueue(event.pk)
        except Exception:
            logger.exception("could not enqueue %s for event %s", path, event.pk)


def publish_on_commit(*events: Event) -> None:
    """Publish events once the current transaction commits (never for a rolled-back one)."""
    from django.db import transaction

    for event in events:
        transaction.on_commit(lambda event=event: publish(event))


def sweep() -> int:
    """Run every sweep once; returns how many work items they re-drove."""
    total = 0
    for path in SWEEPS:
        try:
            total += int(_resolve(path)() or 0)
        except Exception:
            logger.exception("sweep %s failed", path)
    return total
