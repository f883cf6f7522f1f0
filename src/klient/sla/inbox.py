"""Inbox views that depend on the SLA clock: waiting on us (earliest due first), breaching
soon and breached. They narrow and order a conversations queryset, so the workspace can add
its scope, its filters and keyset pages (klient.conversations.queries.keyset_page)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from klient.conversations.models import Conversation
from klient.conversations.queries import Ordering, OrderKey

SOON = timedelta(hours=1)

# Earliest SLA due time first, conversations without a running target last, then the
# customer who has waited longest, then the id (a total order, so pages are exact).
BY_DUE_TIME: Ordering = (
    OrderKey("sla__due_at", nullable=True),
    OrderKey("waiting_since", nullable=True),
    OrderKey("id"),
)


def waiting_on_us(rows: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Conversations whose customer waits for an answer and that are not set aside."""
    return rows.filter(
        waiting_since__isnull=False,
        status__in=(Conversation.Status.NEW, Conversation.Status.OPEN),
    )


def breaching_soon(rows: QuerySet[Conversation], now: datetime) -> QuerySet[Conversation]:
    """A running target due within the hour, or whose warning was already sent, and none
    missed yet. A warning key stays in `emitted` for the rest of the conversation's life,
    so only running (not stopped, not paused) clocks count.

    The conditions are on the clock joined for the ordering (not a subquery), so the due
    time bound starts the walk of the `sla_due` index past the missed targets."""
    return rows.filter(
        Q(sla__due_at__lte=now + SOON) | Q(sla__emitted__icontains=":warning:"),
        sla__due_at__gt=now,
        sla__stopped=False,
        sla__paused=False,
        sla__breached=[],
    )


def breached(rows: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Conversations with at least one target whose open cycle is past due."""
    return rows.filter(sla__isnull=False).exclude(sla__breached=[])
