"""Live chat as a conversations channel (conversations.channel_registry): an agent's reply
on a chat conversation is delivered to the widget, not emailed.

Delivering gives the reply the next seq of the chat, records the delivery as sent (the
SLA's first reply counts then, when the answer reached the chat) and, after commit, pushes
it to the session's sockets. A visitor who is away reads it on resume: it is stored."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from klient.conversations.actions import record_delivery_outcome
from klient.conversations.channel_registry import Channel, Outbound
from klient.conversations.models import Conversation, Delivery

CHAT = "chat"

CHANNEL = Channel(
    CHAT,
    identity_kind="chat",
    compose="klient.chat.channel.compose",
    deliver="klient.chat.channel.deliver",
    falls_back_to="email",
)


def compose(conversation: Conversation, *, to: str, author: Any = None) -> Outbound:
    name = ""
    if author is not None:
        name = author.get_full_name() or author.get_username()
    return Outbound(
        from_address="",
        from_name=name or conversation.team.name,
        to=[to],
        subject=conversation.subject[:998],
    )


def deliver(delivery_ids: list[int]) -> None:
    """Place each due chat delivery in its chat and push it; idempotent (a delivery no longer
    pending is skipped, an entry is made once per message)."""
    from . import push
    from .actions import place_in_chat

    for delivery_id in delivery_ids:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update()
                .select_related("message")
                .filter(
                    pk=delivery_id,
                    channel=CHAT,
                    state=Delivery.State.PENDING,
                    next_attempt_at__lte=timezone.now(),
                )
                .first()
            )
            if delivery is None:
                continue
            entry = place_in_chat(delivery.message)
            record_delivery_outcome(delivery, outcome="sent")
        if entry.session_id is not None:
            push.entry_stored(entry.session_id, entry.pk, entry.seq)
