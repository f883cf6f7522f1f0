"""Plain dicts for the response schemas, built from rows already loaded (no queries
of their own beyond what the caller prefetched)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from klient.conversations.models import Attachment, Conversation, Delivery, Message
from klient.core.models import Event

from .tag_names import split


def agent_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username, "email": user.email}


def conversation_out(conversation: Conversation) -> dict[str, Any]:
    """A conversation loaded with queries.conversation_rows() (team, customer, assignee
    and customer_email in the same query); its tags too when annotated (tag_names)."""
    customer = conversation.customer
    return {
        "ref": conversation.reference,
        "url": reverse("api:get_conversation", kwargs={"ref": conversation.reference}),
        "subject": conversation.subject,
        "status": conversation.status,
        "priority": conversation.priority,
        "channel": conversation.channel,
        "language": conversation.language,
        "team": {"id": conversation.team.pk, "name": conversation.team.name},
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "email": getattr(conversation, "customer_email", None) or "",
        },
        "assignee": agent_ref(conversation.assignee),
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "waiting_since": conversation.waiting_since,
        "automatic": conversation.automatic,
        "tags": (
            split(conversation.tag_names)
            if hasattr(conversation, "tag_names")
            else sorted(tag.name for tag in conversation.tags.all())
        ),
        "merged_into": (
            Conversation(pk=conversation.merged_into_id).reference
            if conversation.merged_into_id
            else None
        ),
    }


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "download_url": reverse("api:download_attachment", kwargs={"id": attachment.pk}),
    }


def message_out(message: Message) -> dict[str, Any]:
    """A message with its attachments (prefetch them) and delivery (select_related)."""
    delivery = getattr(message, "delivery", None)
    return {
        "id": message.pk,
        "kind": message.kind,
        "sender": message.sender,
        "author_id": message.author_id,
        "from": {"address": message.from_address, "name": message.from_name},
        "to": list(message.to),
        "cc": list(message.cc),
        "subject": message.subject,
        "new_text": message.new_text,
        "body_text": message.body_text,
        "body_html": message.body_html,
        "language": message.language,
        "message_id": message.message_id,
        "flags": {
            "auto_reply": message.is_auto_reply,
            "bounce": message.is_bounce,
            "bulk": message.is_bulk,
            "remote_images": message.has_remote_images,
        },
        "auto_score": message.auto_score,
        "auto_reasons": list(message.auto_reasons or ()),
        "created_at": message.created_at,
        "attachments": [attachment_out(a) for a in message.attachments.all()],
        "delivery": None if delivery is None else delivery_out(delivery),
        **sentiment_field(message),
    }


def sentiment_field(message: Message) -> dict[str, Any]:
    """Inbound customer messages carry their "sentiment" (null until analysed), others null
    (select_related("sentiment") to read it in the same query)."""
    if message.kind != Message.Kind.INBOUND or message.sender != Message.Sender.CUSTOMER:
        return {"sentiment": None}
    sentiment = getattr(message, "sentiment", None)
    return {"sentiment": None if sentiment is None else sentiment.as_dict()}


def delivery_out(delivery: Delivery) -> dict[str, Any]:
    """What became of an outbound message (README, API: "delivery")."""
    return {
        "state": delivery.public_state,
        "attempts": delivery.attempts,
        "error": delivery.last_error or None,
        "updated_at": delivery.updated_at,
        "last_error": delivery.last_error,
        "sent_at": delivery.sent_at,
        "channel": delivery.channel,
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "data": event.data,
    }
