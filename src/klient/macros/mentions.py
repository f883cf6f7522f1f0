"""Notifying agents mentioned in internal notes (the `note.mentioned` handler).

It lives here, above notifications, because conversations (which records the mention)
may not call notify."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from klient.conversations.events import Kind as ConversationKind
from klient.conversations.mentions import split_by_scope
from klient.core.models import Event
from klient.notifications.actions import notify
from klient.notifications.models import Notification

from . import texts

KIND = texts.MENTION


def notify_mentions_for_events(event_ids: list[int]) -> None:
    """Notify, in app and by email, each mentioned agent who can still see the
    conversation. Idempotent: a note's notification carries the note's anchor in its URL,
    and an agent already notified for that URL is skipped."""
    User = get_user_model()
    for event in Event.objects.filter(
        pk__in=event_ids, kind=ConversationKind.NOTE_MENTIONED
    ).select_related("conversation", "actor"):
        conversation = event.conversation
        if conversation is None:
            continue
        url = reverse("workspace:conversation", args=[conversation.reference])
        url += f"#m-{event.data.get('message')}"
        already = Notification.objects.filter(kind=KIND, url=url).values("recipient_id")
        users = User.objects.filter(pk__in=event.data.get("mentioned", [])).exclude(pk__in=already)
        inside, _outside = split_by_scope(conversation, users)
        if not inside:
            continue
        # Without an actor, the wording says "An agent" in the reader's language.
        who = (event.actor.get_full_name() or event.actor.email) if event.actor else ""
        notify(
            inside,
            kind=KIND,
            params={
                "who": who,
                "reference": conversation.reference,
                "subject": conversation.subject,
            },
            conversation=conversation,
            actor=event.actor,
            url=url,
        )
