"""Data for the reply form's slot: the agent's saved replies, and the warning about
colleagues a note mentioned who cannot see the conversation."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth import get_user_model

from klient.conversations.events import Kind as ConversationKind
from klient.core.models import Event

from ..queries import usable_macros

register = template.Library()


@register.simple_tag
def macros_for(user: Any) -> list[tuple[int, str]]:
    """(id, name) of the saved replies the user may use: one query."""
    return list(usable_macros(user).values_list("pk", "name"))


@register.simple_tag
def unnotified_mentions(conversation: Any, user: Any) -> list[str]:
    """Names of agents the user's latest note here mentioned but who cannot see it."""
    if conversation is None or not getattr(user, "is_authenticated", False):
        return []
    # The event first: usually there is none, and the page pays one query.
    event = (
        Event.objects.filter(
            conversation=conversation, kind=ConversationKind.NOTE_MENTIONED, actor=user
        )
        .order_by("-pk")
        .first()
    )
    if event is None or not event.data.get("out_of_scope"):
        return []
    latest_note = (
        conversation.messages.filter(kind="note", author=user).order_by("-pk").values("pk").first()
    )
    if latest_note is None or event.data.get("message") != latest_note["pk"]:
        return []
    users = get_user_model().objects.filter(pk__in=event.data.get("out_of_scope", []))
    return [u.get_full_name() or u.email for u in users.order_by("first_name", "pk")]
