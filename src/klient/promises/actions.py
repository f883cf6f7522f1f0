"""The only writers of promises: offered when a sent message holds them, confirmed,
kept, dismissed by an agent; kept automatically and broken by klient.promises.tracking.
Every change appends its event (klient.promises.events) in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klient.conversations.models import Message
from klient.core.wiring import publish_on_commit
from klient.mail.language import detect_language

from . import events
from .detect import find_promises
from .models import Promise
from .zones import conversation_zone

State = Promise.State
# Which states each agent action starts from.
CONFIRMABLE = (State.OFFERED,)
KEEPABLE = (State.OFFERED, State.OPEN)
DISMISSABLE = (State.OFFERED, State.OPEN)


def offer_from_message(message: Message) -> list[Promise]:
    """Store the promises found in an agent's message to the customer as offered. The
    reference time is the message's, the zone the conversation's. Idempotent: a promise
    is stored once per message and span, so the API and the event handler may both ask."""
    if message.kind != Message.Kind.OUTBOUND or message.sender != Message.Sender.AGENT:
        return []
    conversation = message.conversation
    zone = conversation_zone(conversation)
    text = message.new_text or message.body_text
    # The language of what the agent wrote, not the conversation's: an agent may answer
    # in another language; undetected, every language's rules are tried.
    found = find_promises(text, message.created_at.astimezone(zone), detect_language(text) or None)
    if not found:
        return []
    stored: list[Promise] = []
    now = timezone.now()
    with transaction.atomic():
        for item in found:
            promise, created = Promise.objects.get_or_create(
                message=message,
                start=item.start,
                defaults={
                    "conversation": conversation,
                    "agent_id": message.author_id,
                    "team_id": conversation.team_id,
                    "end": item.end,
                    "quote": item.quote,
                    "due_at": item.due,
                    "time_zone": zone.key,
                    "created_at": message.created_at,
                    "changed_at": now,
                },
            )
            if created:
                publish_on_commit(events.offered(promise))
            stored.append(promise)
    return stored


def confirm(promise: Promise, *, actor: Any) -> Promise:
    """offered -> open: tracked until its due time."""
    with transaction.atomic():
        promise = _locked(promise, CONFIRMABLE, "confirmed")
        _set(promise, State.OPEN)
        publish_on_commit(events.confirmed(promise, actor=actor))
    return promise


def mark_kept(promise: Promise, *, actor: Any) -> Promise:
    with transaction.atomic():
        promise = _locked(promise, KEEPABLE, "marked kept")
        _set(promise, State.KEPT)
        publish_on_commit(events.kept(promise, actor=actor, by="marked"))
    return promise


def dismiss(promise: Promise, *, actor: Any) -> Promise:
    """Not a promise after all (or no longer one): neither kept nor broken."""
    with transaction.atomic():
        promise = _locked(promise, DISMISSABLE, "dismissed")
        _set(promise, State.DISMISSED)
        publish_on_commit(events.dismissed(promise, actor=actor))
    return promise


def keep_by_activity(
    conversation_id: int, *, at: datetime, by: str, excluding_message: int | None = None
) -> list[Promise]:
    """What was promised happened at `at` (a reply, a call, a booking, a resolution):
    the conversation's offered and open promises made before then are kept."""
    kept: list[Promise] = []
    with transaction.atomic():
        rows = (
            Promise.objects.select_for_update()
            .filter(conversation_id=conversation_id, state__in=KEEPABLE, created_at__lt=at)
            .order_by("pk")
        )
        if excluding_message is not None:
            rows = rows.exclude(message_id=excluding_message)
        for promise in rows:
            _set(promise, State.KEPT)
            publish_on_commit(events.kept(promise, by=by))
            kept.append(promise)
    return kept


def _locked(promise: Promise, allowed: tuple[str, ...], what: str) -> Promise:
    row = Promise.objects.select_for_update().get(pk=promise.pk)
    if row.state not in allowed:
        raise ValidationError(f"A promise that is {row.state} cannot be {what}.")
    return row


def _set(promise: Promise, state: str) -> None:
    promise.state = state
    promise.changed_at = timezone.now()
    promise.save(update_fields=["state", "changed_at"])
