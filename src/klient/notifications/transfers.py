"""Telling the receiver of a transfer (handler of conversation.transferred, core.wiring):
the agent it was given to, or else the receiving team's members, get a notification with
the start of the handover note and a link to the conversation, in their language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from klient.conversations.events import Kind as ConversationKind
from klient.core.models import Event
from klient.people.models import Team

from .actions import notify
from .models import Notification
from .undelivered import timeline_anchor

TRANSFERRED = "conversation_transferred"
EXCERPT = 200


def transferred(params: Mapping[str, Any]) -> str:
    values = {
        "who": params.get("who") or _("A colleague"),
        "ref": params["ref"],
        "subject": params.get("subject") or _("(no subject)"),
        "note": params.get("note", ""),
    }
    return _("%(who)s handed %(ref)s “%(subject)s” over to you: %(note)s") % values


TEXTS = {TRANSFERRED: transferred}


def notify_transferred(event_ids: list[int]) -> int:
    """One notification per receiver per transfer (the link names the transfer, so a
    repeated call finds it). Returns how many transfers were announced."""
    announced = 0
    for event in (
        Event.objects.filter(pk__in=event_ids, kind=ConversationKind.CONVERSATION_TRANSFERRED)
        .select_related("conversation", "actor")
        .order_by("pk")
    ):
        conversation = event.conversation
        if conversation is None:
            continue
        receivers: list[Any] = []
        if event.data.get("to_agent"):
            receivers = list(get_user_model().objects.filter(pk=event.data["to_agent"]))
        elif team := Team.objects.filter(pk=event.data.get("to_team")).first():
            receivers = list(team.members.filter(is_active=True))
        note = conversation.messages.filter(pk=event.data.get("note")).first()
        url = (
            reverse("workspace:conversation", args=[conversation.reference])
            + f"#{timeline_anchor(event.pk)}"
        )
        with transaction.atomic():
            if Notification.objects.filter(kind=TRANSFERRED, url=url).exists():
                continue
            actor = event.actor
            notify(
                receivers,
                kind=TRANSFERRED,
                params={
                    "who": (actor.get_full_name() or actor.username) if actor else "",
                    "ref": conversation.reference,
                    "subject": conversation.subject,
                    "note": (note.body_text if note else "")[:EXCERPT],
                },
                conversation=conversation,
                actor=actor,
                url=url,
            )
        announced += 1
    return announced
