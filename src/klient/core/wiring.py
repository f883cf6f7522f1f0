"""One explicit table of what happens after a change commits (no signals).

EVENT_HANDLERS maps an Event kind to handlers; a handler takes a list of event ids (in id
order) and must be idempotent. Each domain keeps its own table (`<app>/handlers.py`,
HANDLERS); EVENT_HANDLERS is their union, collected from the explicit list HANDLER_TABLES
of dotted paths. Publishing an event writes a core.PendingEvent row (the outbox) in the
event's transaction and, on commit, wakes `klient.core.tasks.dispatch_events`,
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

from django.db import transaction
from django.utils import timezone

from klient.core import shutdown, work
from klient.core.events import EventKind
from klient.core.models import Event, PendingEvent

logger = logging.getLogger(__name__)

# Each domain's Event kinds (an EventKind enumeration in its events.py).
EVENT_KINDS: list[str] = [
    "klient.calendars.events.Kind",
    "klient.people.events.Kind",
    "klient.conversations.events.Kind",
    "klient.notifications.events.Kind",
    "klient.sla.events.Kind",
    "klient.mail.events.Kind",
    "klient.collab.events.Kind",
    "klient.macros.events.Kind",
    "klient.knowledge.events.Kind",
    "klient.portal.events.Kind",
    "klient.routing.events.Kind",
    "klient.phone.events.Kind",
    "klient.webhooks.events.Kind",
    "klient.external_calendars.events.Kind",
    "klient.surveys.events.Kind",
    "klient.scheduling.events.Kind",
    "klient.importers.events.Kind",
    "klient.privacy.events.Kind",
    "klient.automations.events.Kind",
    "klient.tone.events.Kind",  # the tone guard (issue 17)
    "klient.voice.events.Kind",
    "klient.sentiment.events.Kind",
    "klient.promises.events.Kind",
    "klient.chat.events.Kind",  # live chat (issue 16)
]
# Each domain's handlers (HANDLERS: kind -> dotted handler paths, in its handlers.py). For a
# kind with handlers in several tables, they run in this order.
HANDLER_TABLES: list[str] = [
    "klient.conversations.handlers.HANDLERS",
    "klient.mail.handlers.HANDLERS",
    "klient.sla.handlers.HANDLERS",
    "klient.notifications.handlers.HANDLERS",
    "klient.live.handlers.HANDLERS",
    "klient.collab.handlers.HANDLERS",
    "klient.macros.handlers.HANDLERS",
    "klient.portal.handlers.HANDLERS",
    "klient.routing.handlers.HANDLERS",
    "klient.surveys.handlers.HANDLERS",
    "klient.voice.handlers.HANDLERS",
    # Before automation rules: a rule's sentiment condition reads the stored analysis.
    "klient.sentiment.handlers.HANDLERS",
    "klient.automations.handlers.HANDLERS",
    "klient.promises.handlers.HANDLERS",
    # Last: outgoing webhooks fan each handled event out to its subscribers (issue 18).
    "klient.webhooks.handlers.HANDLERS",
]

# Each domain's texts to agents (TEXTS: kind -> wording function, in its texts.py): a
# notification or a note stores a kind and its parameters, and klient.core.texts words it
# when it is read or sent, in the reader's language.
TEXT_TABLES: list[str] = [
    "klient.sla.texts.TEXTS",
    "klient.collab.texts.TEXTS",
    "klient.macros.texts.TEXTS",
    "klient.notifications.texts.TEXTS",
    "klient.routing.texts.TEXTS",
    "klient.phone.texts.TEXTS",
    "klient.notifications.transfers.TEXTS",
    "klient.webhooks.texts.TEXTS",
    "klient.surveys.texts.TEXTS",
    "klient.automations.texts.TEXTS",
    "klient.scheduling.texts.TEXTS",
    "klient.voice.texts.TEXTS",
    "klient.sentiment.texts.TEXTS",
    "klient.promises.texts.TEXTS",
]


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def collect_handlers(tables: list[str]) -> dict[str, list[str]]:
    """The union of the handler tables: for each kind, its handlers in table order, each
    once (a handler runs once per batch whatever lists it)."""
    merged: dict[str, list[str]] = {}
    for table in tables:
        for kind, paths in _resolve(table).items():
            handlers = merged.setdefault(kind, [])
            handlers.extend(path for path in paths if path not in handlers)
    return merged


def collect_texts(tables: list[str]) -> dict[str, Any]:
    """The union of the text tables; a kind worded by two tables is a mistake."""
    merged: dict[str, Any] = {}
    for table in tables:
        for kind, wording in _resolve(table).items():
            if kind in merged:
                raise ValueError(f"two wordings for the text kind {kind!r}")
            merged[kind] = wording
    return merged


def event_kinds() -> list[type[EventKind]]:
    """Every domain's Event kinds, in EVENT_KINDS order."""
    return [_resolve(path) for path in EVENT_KINDS]


EVENT_HANDLERS: dict[str, list[str]] = collect_handlers(HANDLER_TABLES)

SWEEPS: list[str] = [
    "klient.mail.actions.redrive_stale_inbound",
    "klient.conversations.channel_registry.redrive_due_deliveries",
    "klient.mail.notifications.redrive_due_notification_emails",
    "klient.mail.imap.poll_due_mailboxes",
    "klient.sla.scheduler.sweep_due_timers",
    "klient.collab.followups.sweep_due_follow_ups",
    "klient.portal.sign_in.redrive_sign_in_links",
    "klient.mail.account_mail.redrive_account_emails",
    "klient.core.wiring.redrive_pending_events",
    "klient.routing.actions.sweep_queue",
    "klient.routing.coverage.sweep_ended_coverage",
    "klient.routing.offers.sweep_unanswered_offers",
    "klient.conversations.awaited.sweep_awaited",
    "klient.webhooks.event_log.sweep_unpublished_events",
    "klient.webhooks.delivery.sweep_due_deliveries",
    "klient.external_calendars.sync.sync_due_calendars",
    "klient.surveys.sending.send_due_surveys",
    "klient.promises.tracking.break_due_promises",
    # A customer's erasure: raw files deleted once it commits; retention once a day.
    "klient.privacy.blob_files.delete_released",
    "klient.privacy.retention.sweep_retention",
    "klient.automations.engine.sweep_due_timers",
    "klient.scheduling.reminders.send_due_reminders",
    "klient.scheduling.outbox.send_due_messages",
    "klient.scheduling.invitation_mail.send_due_invitations",
    # Recurring topics recomputed per team (issue 17).
    "klient.voice.refresh.refresh_due_topics",
]

DISPATCH_BATCH = 500
STALE_AFTER = timedelta(seconds=10)

# The outbox as durable work: a row is waiting while it has no lease; finished, it is
# deleted. Its handlers must be idempotent, so it is never given up. queued_at is when
# the event was written, not a schedule: it only tells the sweep which wake-ups were lost.
OUTBOX_WORK = work.WorkKind(
    PendingEvent,
    policy=work.RetryPolicy(first_retry=STALE_AFTER, longest=STALE_AFTER, max_attempts=2**31),
    ready=None,
    attempts_field=None,
    due_field="queued_at",
    error_field=None,
    order_by=("pk",),  # event order
    stale_after=STALE_AFTER,
    reschedules=False,
)


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


def _claim(size: int, *, stale_only: bool) -> work.Claim | None:
    """Take up to `size` pending events under a lease, oldest first (with stale_only,
    only those pending for STALE_AFTER, and those whose lease ran out)."""
    now = timezone.now()
    return work.claim(
        OUTBOX_WORK, limit=size, now=now, due_by=now - STALE_AFTER if stale_only else None
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
    while not shutdown.requested() and (held := _claim(batch, stale_only=stale_only)):
        # Renewed while the handlers run; deleted only if still ours (a worker that took
        # over after a lost lease runs the same idempotent handlers and deletes them).
        with work.holding(held):
            ids = list(held.ids)
            run_handlers(ids)
            work.delete(held, ids)
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
