"""The phone as a channel: an agent logs what they told the customer on a call.

There is no transport to wait for: the call has happened, so its delivery is recorded as
delivered as soon as it is dispatched, and it is an answer like any other (the SLA reads
the delivery.sent event, whatever the channel)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .actions import record_delivery_outcome
from .channel_registry import Outbound
from .models import Conversation, Delivery


def compose(conversation: Conversation, *, to: str, author: Any = None) -> Outbound:
    return Outbound(
        from_address="",
        from_name=conversation.team.name,
        to=[to],
        subject=conversation.subject[:998],
    )


def deliver(delivery_ids: list[int]) -> None:
    """Record these logged calls as delivered, once each is due (a reply held for undo
    is not: KLIENT_UNDO_SEND_SECONDS)."""
    for delivery in Delivery.objects.filter(
        pk__in=delivery_ids,
        channel="phone",
        state=Delivery.State.PENDING,
        next_attempt_at__lte=timezone.now(),
    ).order_by("pk"):
        record_delivery_outcome(delivery, outcome="sent")
