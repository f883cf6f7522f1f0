"""Telling an agent that their reply did not reach the customer (handler of delivery.failed
and delivery.bounced, core.wiring): an in-app notification and its email copy, in the
agent's language, with the relay's reason and a link to the failure in the conversation's
timeline, where the Resend button is."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Message
from klient.core.models import Event

from . import texts
from .actions import notify
from .models import Notification

# Notification.kind of each failure kind.
NOTIFICATION_KINDS = {
    ConversationKind.DELIVERY_FAILED.value: texts.REPLY_NOT_DELIVERED,
    ConversationKind.DELIVERY_BOUNCED.value: texts.REPLY_BOUNCED,
}


def timeline_anchor(event_id: int) -> str:
    """The id of an event's entry in the workspace timeline."""
    return f"e-{event_id}"


def notify_undelivered(event_ids: list[int]) -> int:
    """Notify the author of each reply that failed or bounced, once per failure (the link
    names the failure's event, so a repeated call finds it). Returns how many were
    notified. Automatic messages have no author: nobody is notified of them."""
    notified = 0
    for event in (
        Event.objects.filter(pk__in=event_ids, kind__in=list(NOTIFICATION_KINDS))
        .select_related("conversation")
        .order_by("pk")
    ):
        message = (
            Message.objects.filter(pk=event.data.get("message"), sender=Message.Sender.AGENT)
            .select_related("author")
            .first()
        )
        conversation = event.conversation
        author = message.author if message is not None else None
        if author is None or conversation is None or not author.is_active:
            continue
        url = (
            reverse("workspace:conversation", args=[conversation.reference])
            + f"#{timeline_anchor(event.pk)}"
        )
        kind = NOTIFICATION_KINDS[event.kind]
        with transaction.atomic():
            if Notification.objects.filter(recipient=author, kind=kind, url=url).exists():
                continue
            params = {
                "ref": conversation.reference,
                "subject": conversation.subject,
                "reason": str(event.data.get("error") or ""),
            }
            notify([author], kind=kind, params=params, conversation=conversation, url=url)
        notified += 1
    return notified
