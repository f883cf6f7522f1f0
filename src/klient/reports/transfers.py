"""Transfers per conversation, read from `conversation.transferred` events (issue 14):
how often conversations changed hands with a handover note in a window, and which were
handed over most — the "many transfers" a customer should never live through."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from klient.conversations.access import conversations_in_scope
from klient.conversations.events import Kind
from klient.conversations.models import Conversation
from klient.core.models import Event

from .queries import Window

MOST = 10


@dataclass(frozen=True)
class TransferFigures:
    conversations: int  # transferred at least once in the window
    transfers: int
    per_conversation: float | None
    distribution: dict[str, int]  # "1", "2", "3+" -> conversations
    most: list[tuple[str, int]]  # (reference, transfers), most first


def transfer_figures(user: Any, *, window: Window) -> TransferFigures:
    """Over the conversations `user` may see; two queries."""
    start, end = window.bounds()
    rows = list(
        Event.objects.filter(
            kind=Kind.CONVERSATION_TRANSFERRED.value,
            at__gte=start,
            at__lt=end,
            conversation__in=conversations_in_scope(user),
        )
        .values("conversation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "conversation_id")
    )
    counts = {row["conversation_id"]: row["n"] for row in rows}
    total = sum(counts.values())
    buckets = Counter("3+" if n >= 3 else str(n) for n in counts.values())
    most_ids = list(counts)[:MOST]
    references = {c.pk: c.reference for c in Conversation.objects.filter(pk__in=most_ids)}
    return TransferFigures(
        conversations=len(counts),
        transfers=total,
        per_conversation=round(total / len(counts), 2) if counts else None,
        distribution={key: buckets.get(key, 0) for key in ("1", "2", "3+")},
        most=[(references[pk], counts[pk]) for pk in most_ids],
    )
