"""The timers: each ConversationSla row holds one `next_due_at` (the next warning or
breach moment), indexed. A tick claims the rows that are due, recomputes them from their
events at `now` (so a lost handler never causes a false breach), emits the warnings and
breaches reached, and moves `next_due_at` on. Its cost grows with what is due, never with
the number of open conversations: it reads rows through the partial index on next_due_at,
in batches, each in its own transaction; on PostgreSQL with FOR UPDATE SKIP LOCKED so that
several workers share the work."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from klient.core.models import Event
from klient.sla import escalation
from klient.sla.actions import Batch, apply, publish_on_commit, record_outcomes, save_rows
from klient.sla.models import ConversationSla

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
RETRY_AFTER = timedelta(minutes=5)


def _claim(now: datetime, size: int) -> list[ConversationSla]:
    rows = ConversationSla.objects.filter(next_due_at__lte=now).order_by("next_due_at")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return list(rows[:size])


def tick(now: datetime | None = None, limit: int = 10_000, batch_size: int = BATCH_SIZE) -> int:
    """Process up to `limit` due timers, then fire the escalation steps due at `now`
    (klient.sla.escalation); returns how many timer rows were processed."""
    now = now or timezone.now()
    done = 0
    while done < limit:
        with transaction.atomic():
            rows = _claim(now, min(batch_size, limit - done))
            if not rows:
                break
            batch = Batch.load([row.conversation_id for row in rows])
            new_events: list[Event] = []
            for row in rows:
                try:
                    new_events.extend(apply(row, batch, now))
                except Exception:
                    logger.exception("SLA of conversation %s failed; retrying later", row.pk)
                    row.next_due_at = now + RETRY_AFTER
                    row.computed_at = now
            save_rows(rows)
            record_outcomes(batch, now)  # the breaches just reached, as SlaOutcome rows
            publish_on_commit(Event.objects.bulk_create(new_events))
        done += len(rows)
    # Escalation steps due by now, including those the alerts above just planned.
    escalation.fire_due(now)
    return done


def sweep_due_timers() -> int:
    """For core.wiring.SWEEPS: one tick at the current time."""
    return tick()
