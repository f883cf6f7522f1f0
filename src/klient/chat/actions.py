"""The only writers of chat rows: sessions, the customer's messages with their seq, the
seq of an agent's reply delivered to the chat, and a team's allowed origins.

Each action runs in one transaction (joining the entry point's); a message and its entry
are stored together, so a seq handed out is always a stored message."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.actions import receive_message
from klient.conversations.incoming import IncomingMessage
from klient.conversations.models import Conversation, Message
from klient.core.wiring import publish_on_commit
from klient.people.identities import CHAT
from klient.people.models import Team

from . import events, origins
from .models import ChatCounter, ChatEntry, ChatOrigins, ChatSession

MAX_TEXT = 10_000
MAX_CLIENT_ID = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    team: Team, *, name: str = "", email: str = "", language: str = ""
) -> tuple[ChatSession, str]:
    """A new chat for a visitor of `team`: (session, token). The token is returned once and
    only its hash is kept."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        session = ChatSession.objects.create(
            team=team,
            token_hash=token_hash(token),
            name=name.strip()[:200],
            email=email.strip()[:320],
            language=language.strip()[:16],
            created_at=now,
            last_seen_at=now,
        )
        publish_on_commit(events.session_started(session))
    return session, token


@dataclass(frozen=True)
class Ack:
    client_id: str
    seq: int
    conversation: str
    entry_id: int
    # False when the client_id was seen before: the first ack, nothing stored.
    stored: bool


def check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("The message is empty.")
    if len(text) > MAX_TEXT:
        raise ValidationError("The message is longer than 10,000 characters.")
    return text


def check_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID:
        raise ValidationError("client_id must be a string of 1 to 64 characters.")
    return client_id


def send(session: ChatSession, *, client_id: str, text: str) -> Ack:
    """Store what the visitor wrote as a customer message of the chat's conversation (made
    with the first message) and give it the next seq, all in one transaction. A client_id
    already stored answers with its first ack and stores nothing."""
    client_id = check_client_id(client_id)
    text = check_text(text)
    with transaction.atomic():
        # The session's lock serialises its sends: the same client_id twice at once, and
        # the first message of two tabs, cannot both store.
        session = ChatSession.objects.select_for_update().get(pk=session.pk)
        first = (
            ChatEntry.objects.filter(session=session, client_id=client_id)
            .select_related("conversation")
            .first()
        )
        if first is not None:
            return Ack(client_id, first.seq, first.conversation.reference, first.pk, False)
        now = timezone.now()
        message, _created = receive_message(
            IncomingMessage(
                team_id=session.team_id,
                from_address=session.visitor_id,
                from_name=session.name,
                subject=_subject(session, text),
                body_text=text,
                new_text=text,
                received_at=now,
                language=session.language,
                channel=Conversation.Channel.CHAT,
                from_kind=CHAT,
            ),
            conversation=session.conversation,
        )
        if session.conversation_id is None:
            session.conversation = message.conversation
        session.last_seen_at = now
        session.save(update_fields=["conversation", "last_seen_at"])
        entry = _entry(message, session=session, client_id=client_id, at=now)
        return Ack(client_id, entry.seq, message.conversation.reference, entry.pk, True)


def _subject(session: ChatSession, text: str) -> str:
    first_line = text.strip().splitlines()[0]
    return f"Chat: {first_line[:120]}"


def _entry(message: Message, *, session: ChatSession | None, client_id: str | None, at: Any):
    """The message's place in its chat: the next seq of the conversation's counter, taken
    under its row lock (PostgreSQL: concurrent writers queue; SQLite: the transaction
    already serialises)."""
    counter, _created = ChatCounter.objects.get_or_create(conversation_id=message.conversation_id)
    counter = ChatCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return ChatEntry.objects.create(
        conversation_id=message.conversation_id,
        seq=counter.last_seq,
        message=message,
        session=session,
        client_id=client_id,
        created_at=at,
    )


def place_in_chat(message: Message) -> ChatEntry:
    """An agent's (or Klient's) message delivered to the chat: its seq, once; a repeated
    delivery finds the entry it already has."""
    with transaction.atomic():
        existing = ChatEntry.objects.filter(message=message).first()
        if existing is not None:
            return existing
        session = ChatSession.objects.filter(conversation_id=message.conversation_id).first()
        return _entry(message, session=session, client_id=None, at=timezone.now())


def touch(session: ChatSession) -> None:
    """The visitor is there (a socket connected): last_seen_at, without an event (like an
    agent's presence heartbeat, it changes nothing anyone reads as history)."""
    ChatSession.objects.filter(pk=session.pk).update(last_seen_at=timezone.now())


def set_allowed_origins(team: Team, values: list[str], *, actor: Any) -> list[str]:
    """The whole list of origins the team's widget may be used from, normalised."""
    normal: list[str] = []
    for value in values:
        try:
            origin = origins.normalise(value)
        except origins.InvalidOrigin:
            raise ValidationError(
                _("chat_allowed_origins: %(origin)s is not an origin; give scheme://host[:port].")
                % {"origin": repr(value)}
            ) from None
        if origin not in normal:
            normal.append(origin)
    with transaction.atomic():
        row, _created = ChatOrigins.objects.select_for_update().get_or_create(team=team)
        if row.allowed != normal:
            publish_on_commit(events.origins_changed(team, row.allowed, normal, actor=actor))
            row.allowed = normal
            row.save(update_fields=["allowed"])
    return normal
