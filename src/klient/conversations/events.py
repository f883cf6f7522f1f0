"""One constructor per conversation Event kind."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event

from .models import Conversation, Message


def conversation_created(conversation: Conversation, *, actor: Any = None) -> Event:
    return append(
        "conversation.created",
        conversation=conversation,
        at=conversation.created_at,
        actor=actor,
        actor_label="" if actor else "customer",
        data={"channel": conversation.channel, "team": conversation.team_id},
    )


def message_received(conversation: Conversation, message: Message) -> Event:
    """Dated when the message reached Klient, not when it was processed: the customer has
    been waiting since then (after a worker outage or a quarantine retry too)."""
    return append(
        "message.received",
        conversation=conversation,
        at=message.created_at,
        actor_label=message.from_address,
        data={
            "message": message.pk,
            "auto_reply": message.is_auto_reply,
            "bounce": message.is_bounce,
            "bulk": message.is_bulk,
        },
    )


def outbound_queued(
    conversation: Conversation, message: Message, *, actor: Any, automatic: bool = False
) -> Event:
    return append(
        "message.outbound_queued",
        conversation=conversation,
        actor=actor,
        actor_label="system" if automatic else "",
        data={"message": message.pk, "delivery": message.delivery.pk, "automatic": automatic},
    )


def note_added(conversation: Conversation, message: Message, *, actor: Any) -> Event:
    return append(
        "note.added", conversation=conversation, actor=actor, data={"message": message.pk}
    )


def field_changed(
    conversation: Conversation, field: str, old: Any, new: Any, *, actor: Any, reason: str = ""
) -> Event:
    data: dict[str, Any] = {"field": field, "from": old, "to": new}
    if reason:
        data["reason"] = reason
    return append(f"{field}.changed", conversation=conversation, actor=actor, data=data)


def delivery_outcome(
    conversation: Conversation, message: Message, outcome: str, **data: Any
) -> Event:
    return append(
        f"delivery.{outcome}",
        conversation=conversation,
        actor_label="system",
        data={"message": message.pk, **data},
    )
