"""Conversations, their messages, participants and agents' drafts.

An erasure keeps each conversation and message as a tombstone: ids, timestamps, kind,
sender, author, channel, status, team, language, the automatic flags, the Message-ID
headers (so a mail delivered again is known as a duplicate, never stored anew) and the
delivery rows: SLA, CSAT and volume figures read those. What anyone wrote, and to and from
which address, is emptied."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from klient.conversations.models import Conversation, Delivery, Draft, Message, Participant

from ..models import ErasedConversation
from ..records import add, record
from ..scope import Scope

MESSAGE_FIELDS = (
    "conversation", "kind", "sender", "author", "from_address", "from_name", "to", "cc",
    "subject", "body_text", "new_text", "body_html", "message_id", "in_reply_to",
    "references", "language", "is_auto_reply", "is_bounce", "is_bulk", "created_at",
)  # fmt: skip
# What an erased message no longer holds, and the value it holds instead.
ERASED: dict[str, Any] = {
    "from_address": "", "from_name": "", "to": [], "cc": [], "subject": "", "body_text": "",
    "new_text": "", "body_html": "", "raw_blob": "", "wording": None, "auto_reasons": [],
}  # fmt: skip


def _conversations(scope: Scope) -> Any:
    return Conversation.objects.filter(pk__in=scope.conversation_ids).order_by("id")


def export(scope: Scope) -> dict[str, Any]:
    deliveries = {
        d.message_id: d
        for d in Delivery.objects.filter(message__conversation_id__in=scope.conversation_ids)
    }
    messages = []
    for message in scope.messages():
        row = record(message, *MESSAGE_FIELDS)
        delivery = deliveries.get(message.pk)
        row["delivery"] = (
            None
            if delivery is None
            else record(delivery, "channel", "state", "sent_at", "created_at")
        )
        messages.append(row)
    conversations = []
    for conversation in _conversations(scope).prefetch_related("tags"):
        row = record(
            conversation, "subject", "status", "priority", "channel", "language", "team",
            "assignee", "created_at", "updated_at", "merged_into", "automatic",
        )  # fmt: skip
        row["reference"] = conversation.reference
        row["tags"] = sorted(tag.name for tag in conversation.tags.all())
        conversations.append(row)
    return {
        "conversations": conversations,
        "messages": messages,
        "participants": [
            record(p, "conversation", "address")
            for p in Participant.objects.filter(conversation_id__in=scope.conversation_ids)
        ],
    }


def _unerased(scope: Scope) -> list[Message]:
    return [
        m
        for m in scope.messages()
        if any(getattr(m, name) != empty for name, empty in ERASED.items())
    ]


def preview(scope: Scope) -> dict[str, int]:
    return {
        "conversations": _conversations(scope).exclude(subject="").count(),
        "messages": len(_unerased(scope)),
        "participants": Participant.objects.filter(
            conversation_id__in=scope.conversation_ids
        ).count(),
        "drafts": Draft.objects.filter(conversation_id__in=scope.conversation_ids).count(),
    }


def erase(scope: Scope, counts: dict[str, int]) -> None:
    messages = _unerased(scope)
    for message in messages:
        for name, empty in ERASED.items():
            setattr(message, name, empty)
    Message.objects.bulk_update(messages, list(ERASED), batch_size=500)
    add(counts, "messages", len(messages))
    add(
        counts,
        "conversations",
        _conversations(scope).exclude(subject="").update(subject=""),
    )
    add(
        counts,
        "participants",
        Participant.objects.filter(conversation_id__in=scope.conversation_ids).delete()[0],
    )
    add(
        counts,
        "drafts",
        Draft.objects.filter(conversation_id__in=scope.conversation_ids).delete()[0],
    )
    now = timezone.now()
    reason = "customer" if scope.customer is not None else "retention"
    ErasedConversation.objects.bulk_create(
        [ErasedConversation(conversation_id=pk, erased_at=now, reason=reason)
         for pk in scope.conversation_ids],
        ignore_conflicts=True,
    )  # fmt: skip
