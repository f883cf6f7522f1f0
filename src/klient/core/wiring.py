"""One explicit table of what happens after a change commits (no signals).

EVENT_HANDLERS maps an Event kind to handlers; a handler takes a list of event ids (in id
order) and must be idempotent. Publishing an event writes a core.PendingEvent row (the
outbox) in the event's transaction and, on commit, wakes `klient.core.tasks.dispatch_events`,
which drains the outbox in batches: one task and one call per handler for a whole burst of
events, not one task per event. A failing handler is logged and does not hold back the
others or later events. SWEEPS lists the functions the worker's sweeper calls every few
seconds to re-drive durable work rows (inbound mail, deliveries, the outbox) whose task was
lost or whose worker died."""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from klient.core import shutdown
from klient.core.models import Event, PendingEvent

logger = logging.getLogger(__name__)

_SLA = "klient.sla.tasks.recompute_for_events"  # the clock follows every change it reads
_LIVE = "klient.live.publish.push_conversation_changes"  # agents' open pages (LIVE_KINDS)
_FOLLOW_UPS = "klient.collab.followups.handle_events"  # customer word or reopen cancels them
_POLICY_CHANGE = "klient.sla.admin_tasks.recompute_after_policy_change"

EVENT_HANDLERS: dict[str, list[str]] = {
    "conversation.created": [_LIVE],
    "message.received": ["klient.mail.tasks.acknowledge_events", _SLA, _LIVE, _FOLLOW_UPS],
    "message.outbound_queued": ["klient.mail.tasks.send_deliveries_for_events", _LIVE],
    "note.added": [_LIVE],
    "note.mentioned": ["klient.macros.mentions.notify_mentions_for_events"],
    "delivery.sent": [_SLA, _LIVE],
    "delivery.bounced": [_SLA, _LIVE],
    "delivery.failed": [_SLA, _LIVE],
    "status.changed": [_SLA, _LIVE, _FOLLOW_UPS],
    "assignee.changed": [_LIVE],
    "priority.changed": [_SLA, _LIVE],
    "team.changed": [_SLA, _LIVE],
    "tags.changed": [_SLA, _LIVE],  # SLA policies may match on a tag
    # The survivor may carry the source's wait; the source's clock stops.
    "conversation.merged": [_SLA],
    "conversation.merged_into": [_SLA],
    # SLA administration: recompute the affected open conversations in batches.
    "sla.policy_saved": [_POLICY_CHANGE],
    "sla.policy_deleted": [_POLICY_CHANGE],
    "sla.policies_reordered": [_POLICY_CHANGE],
    "calendars.working_hours_saved": ["klient.sla.admin_tasks.recompute_after_hours_change"],
    # Agents' notifications: send their email copies promptly.
    "notification.created": ["klient.mail.notifications.send_for_events"],
}

SWEEPS: list[str] = [
    "klient.mail.actions.redrive_stale_inbound",
    "klient.mail.sending.redrive_due_deliveries",
    "klient.mail.notifications.redrive_due_notification_emails",
    "klient.mail.imap.poll_due_mailboxes",
    "klient.sla.scheduler.sweep_due_timers",
    "klient.collab.followups.sweep_due_follow_ups",
    "klient.portal.sign_in.redrive_sign_in_links",
    "klient.core.wiring.redrive_pending_events",
]

DISPATCH_BATCH = 500
STALE_AFTER = timedelta(seconds=10)


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def _record(events: tuple[Event, ...]) -> bool:
    """Write the outbox rows of the events that have handlers; True if there were any."""
    now = timezone.now()
    rows = [
        PendingEvent(event_id=event.pk, queued_at=now)
        for event in events
        if event.kind in EVENT_HANDLERS
    ]
    if rows:
        PendingEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return bool(rows)


def wake() -> None:
    """Queue a dispatch task, unless one that has not started yet is queued (it drains
    the outbox when it starts, so it will see what was committed before). A lost wake-up
    is caught by the sweep, so failures are logged, not raised."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        task = _resolve("klient.core.tasks.dispatch_events")
        if (
            isinstance(task.get_backend(), DatabaseBackend)
            and DBTaskResult.objects.ready().filter(task_path=task.module_path).exists()
        ):
            return
        task.enqueue()
    except Exception:
        logger.exception("could not queue event dispatch")


def publish(*events: Event) -> None:
    """Record the events' handlers as pending and wake a worker now."""
    if _record(events):
        wake()


def publish_on_commit(*events: Event) -> None:
    """Record the events' handlers as pending in the current transaction and wake a worker
    once it commits (never for a rolled-back one: the rows roll back with it)."""
    if _record(events):
        transaction.on_commit(wake)


def _claim(size: int, *, stale_only: bool) -> list[int]:
    """Take up to `size` pending events under a lease, oldest first; returns their ids."""
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.KLIENT_LEASE_SECONDS)
    free = Q(lease_until__isnull=True)
    if stale_only:
        free &= Q(queued_at__lt=now - STALE_AFTER)
    claimable = free | Q(lease_until__lt=now)
    candidates = list(
        PendingEvent.objects.filter(claimable).order_by("pk").values_list("pk", flat=True)[:size]
    )
    if not candidates:
        return []
    # The conditional UPDATE is the claim; the exact lease time tells our rows apart from
    # those a concurrent worker took between the two statements.
    claimed = PendingEvent.objects.filter(claimable, pk__in=candidates).update(
        lease_until=lease_until
    )
    if not claimed:
        return []
    return list(
        PendingEvent.objects.filter(pk__in=candidates, lease_until=lease_until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def run_handlers(event_ids: list[int] | int) -> int:
    """Run the handlers of these events: each handler once, with the ids of its events in
    order. One failing does not stop the others. Returns how many handler calls failed."""
    ids = [event_ids] if isinstance(event_ids, int) else sorted(event_ids)
    by_handler: dict[str, list[int]] = {}
    kinds = dict(Event.objects.filter(pk__in=ids).values_list("pk", "kind"))
    for event_id in ids:
        for path in EVENT_HANDLERS.get(kinds.get(event_id, ""), []):
            by_handler.setdefault(path, []).append(event_id)
    failed = 0
    for path, handler_ids in by_handler.items():
        try:
            _resolve(path)(handler_ids)
        except Exception:
            failed += 1
            logger.exception("handler %s failed for events %s", path, handler_ids)
    return failed


def dispatch_pending(*, stale_only: bool = False, batch: int = DISPATCH_BATCH) -> int:
    """Run the handlers of pending events, batch after batch, until none is left (or, with
    stale_only, none that is stale) or this process is asked to stop (`core.shutdown`: the
    rest stays pending). Returns how many events were dispatched."""
    total = 0
    while not shutdown.requested() and (ids := _claim(batch, stale_only=stale_only)):
        run_handlers(ids)
        PendingEvent.objects.filter(pk__in=ids).delete()
        total += len(ids)
    return total


def redrive_pending_events() -> int:
    """Sweeper: dispatch events whose wake-up was lost (pending a while) or whose worker
    died (lease expired)."""
    return dispatch_pending(stale_only=True)


def sweep() -> int:
    """Run every sweep once; returns how many work items they re-drove."""
    total = 0
    for path in SWEEPS:
        try:
            total += int(_resolve(path)() or 0)
        except Exception:
            logger.exception("sweep %s failed", path)
    return total
