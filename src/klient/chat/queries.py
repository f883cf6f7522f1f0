"""Chat reads: a session by its token, a team's origins, the frames of a replay."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from . import origins
from .actions import token_hash
from .models import ChatEntry, ChatOrigins, ChatSession


def session_by_token(token: str | None) -> ChatSession | None:
    if not token:
        return None
    return ChatSession.objects.select_related("team").filter(token_hash=token_hash(token)).first()


def allowed_origins(team_id: int) -> list[str]:
    row = ChatOrigins.objects.filter(team_id=team_id).first()
    return list(row.allowed) if row else []


def origins_of(team: Any) -> list[str]:
    """A team's allowed origins, from its select_related row when there is one."""
    try:
        return list(team.chat_origins.allowed)
    except ChatOrigins.DoesNotExist:
        return []


def origin_allowed(team_id: int, origin: str | None) -> bool:
    return origins.allowed(origin, allowed_origins(team_id), settings.KLIENT_BASE_URL)


_SENDERS = {"customer": "customer", "agent": "agent", "system": "system"}


def message_frame(entry: ChatEntry) -> dict[str, Any]:
    """The widget's frame of one entry (docs/chat.md)."""
    message = entry.message
    if message.sender == "customer":
        name = message.from_name
    elif message.author is not None:
        name = message.author.get_full_name() or message.author.get_username()
    else:
        name = message.from_name
    return {
        "type": "message",
        "seq": entry.seq,
        "id": message.pk,
        "client_id": entry.client_id,
        "sender": _SENDERS.get(message.sender, "system"),
        "name": name,
        "text": message.new_text or message.body_text,
        "attachments": [
            {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ],
        "at": message.created_at.isoformat(),
    }


def frames_after(conversation_id: int | None, last_seq: int) -> list[dict[str, Any]]:
    """Every message of the chat with seq > last_seq, in order, from the database."""
    if conversation_id is None:
        return []
    entries = (
        ChatEntry.objects.filter(conversation_id=conversation_id, seq__gt=last_seq)
        .select_related("message", "message__author")
        .prefetch_related("message__attachments")
        .order_by("seq")
    )
    return [message_frame(entry) for entry in entries]


def entry_frame(entry_id: int) -> dict[str, Any]:
    entry = (
        ChatEntry.objects.select_related("message", "message__author")
        .prefetch_related("message__attachments")
        .get(pk=entry_id)
    )
    return message_frame(entry)
