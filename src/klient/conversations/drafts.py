"""Drafts and undo send: the writers of an agent's draft replies, and of taking a reply back
before it is handed to its channel.

A draft is one per agent and conversation, saved as the agent types (the compose box saves
it a moment after each pause, the API with PUT). Saving a draft appends no event: it is
private to its agent, it changes every few seconds while they type, and nothing happened
to the conversation; the audit log records what the customer and colleagues could see
(the reply that is sent, or undone). A sent reply deletes its agent's draft
(conversations.actions.reply, in the same transaction).

Undo send: an agent's reply is stored with its Delivery pending and due
KLIENT_UNDO_SEND_SECONDS later (actions.reply). No channel takes a delivery before it is
due (core.work claims only due rows; channel_registry.deliver_for_events hands over only
due ones; the sweep re-drives it once it is), so until then the author may undo it: the
message, its attachments and its delivery are deleted, a `message.undone` event says so,
the customer's wait and the status chosen with the reply are given back, and the text and
attachments become the agent's draft again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from klient.core.models import Event
from klient.core.wiring import publish_on_commit

from . import events, search
from .models import Conversation, Delivery, Draft, Message, Upload

MAX_DRAFT_LENGTH = 200_000  # as long as a reply may be
MAX_DRAFT_ATTACHMENTS = 50  # the refusal names it, in words the workspace translates


class TooLateToUndo(Exception):
    """The reply's undo window is over: it has been (or is being) handed to its channel."""


def draft_of(conversation: Conversation, agent: Any) -> Draft | None:
    return Draft.objects.filter(agent_id=agent.pk, conversation_id=conversation.pk).first()


def _upload_ids(attachments: Any) -> list[int]:
    """Upload ids as a draft keeps them: positive integers, each once, in the given order.
    Whether each is an upload of the agent's is checked when the reply is sent."""
    if attachments is None:
        return []
    if not isinstance(attachments, list | tuple):
        raise ValidationError("Attachments must be a list of upload ids.")
    ids: list[int] = []
    for value in attachments:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValidationError("Attachments must be a list of upload ids.")
        if value not in ids:
            ids.append(value)
    if len(ids) > MAX_DRAFT_ATTACHMENTS:
        raise ValidationError("A draft holds at most 50 attachments.")
    return ids


def save_draft(
    conversation: Conversation, *, agent: Any, body: str, attachments: Any = None
) -> Draft:
    """Keep what `agent` is writing in `conversation`, exactly as typed (no event: see the
    module's docstring)."""
    if len(body) > MAX_DRAFT_LENGTH:
        raise ValidationError("The message is longer than 200,000 characters.")
    uploads = _upload_ids(attachments)
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(
            agent_id=agent.pk,
            conversation_id=conversation.pk,
            defaults={"body": body, "attachments": uploads, "updated_at": timezone.now()},
        )
    return draft


def discard_draft(conversation: Conversation, *, agent: Any) -> bool:
    """Delete `agent`'s draft in `conversation`; False if there was none."""
    with transaction.atomic():
        deleted, _ = Draft.objects.filter(
            agent_id=agent.pk, conversation_id=conversation.pk
        ).delete()
    return bool(deleted)


def _delivery(message: Message) -> Delivery | None:
    try:
        return message.delivery
    except ObjectDoesNotExist:
        return None


def undo_deadline(message: Message, *, user: Any, now: datetime) -> datetime | None:
    """Until when `user` may undo this message (None: they may not). Read from the
    message's delivery, which the caller loads with it (select_related)."""
    if (
        message.kind != Message.Kind.OUTBOUND
        or message.sender != Message.Sender.AGENT
        or message.author_id is None
        or message.author_id != getattr(user, "pk", None)
    ):
        return None
    delivery = _delivery(message)
    if delivery is None or not _held(delivery, now):
        return None
    return delivery.next_attempt_at


def _held(delivery: Delivery, now: datetime) -> bool:
    """Still waiting out its undo window: never tried, and not due yet."""
    return (
        delivery.state == Delivery.State.PENDING
        and delivery.attempts == 0
        and delivery.next_attempt_at > now
    )


def undo_reply(message: Message, *, actor: Any) -> Draft:
    """Take back the author's reply while it waits out its undo window; returns the
    author's draft holding its text and attachments again. TooLateToUndo once the window
    is over, ValidationError for anything but a person's reply by `actor`."""
    if message.kind != Message.Kind.OUTBOUND or message.sender != Message.Sender.AGENT:
        raise ValidationError("Only a reply can be undone.")
    if message.author_id is None or message.author_id != getattr(actor, "pk", None):
        raise ValidationError("Only its author can undo a reply.")
    now = timezone.now()
    with transaction.atomic():
        # The delivery first, as the channels' senders lock it (then the conversation):
        # a claim racing with this waits, then finds nothing left to claim.
        delivery = Delivery.objects.select_for_update().filter(message_id=message.pk).first()
        if delivery is None or not _held(delivery, now):
            raise TooLateToUndo("Too late to undo: the reply has been handed over for sending.")
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        message = Message.objects.get(pk=message.pk)
        queued = _event(conversation, events.Kind.MESSAGE_OUTBOUND_QUEUED, "message", message)
        # The reply's files go back to being the author's uploads, free to attach again.
        uploads = list(
            Upload.objects.filter(attachment__message=message)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Upload.objects.filter(pk__in=uploads).update(attachment=None)
        published = [
            events.message_undone(
                conversation, message, actor=actor, delivery=delivery.pk, attachments=uploads
            )
        ]
        changed = ["updated_at"]
        waited = _waited_since(queued)
        if waited is not None and (
            conversation.waiting_since is None or waited < conversation.waiting_since
        ):
            conversation.waiting_since = waited  # the customer was never answered
            changed.append("waiting_since")
        chosen = _event(conversation, events.Kind.STATUS_CHANGED, "reply", message)
        if chosen is not None and conversation.status == chosen.data.get("to"):
            # The status chosen with the reply goes with it, unless changed since.
            before = chosen.data.get("from")
            published.append(
                events.field_changed(
                    conversation, "status", conversation.status, before, actor=actor
                )
            )
            conversation.status = before
            changed.append("status")
        conversation.updated_at = now
        conversation.save(update_fields=changed)
        draft = _restore_draft(conversation, actor, message.body_text, uploads, now)
        search.forget_message(message)
        message.attachments.all().delete()
        delivery.delete()
        message.delete()
        publish_on_commit(*published)
    return draft


def _event(conversation: Conversation, kind: str, key: str, message: Message) -> Event | None:
    """The event of `kind` whose data names this message under `key`."""
    return (
        Event.objects.filter(conversation=conversation, kind=kind, **{f"data__{key}": message.pk})
        .order_by("pk")
        .first()
    )


def _waited_since(queued: Event | None) -> datetime | None:
    value = queued.data.get("waited_since") if queued is not None else None
    return parse_datetime(value) if isinstance(value, str) else None


def _restore_draft(
    conversation: Conversation, agent: Any, body: str, uploads: list[int], now: datetime
) -> Draft:
    """The undone reply becomes the agent's draft; what they started writing since stays,
    below it."""
    draft = (
        Draft.objects.select_for_update()
        .filter(agent_id=agent.pk, conversation_id=conversation.pk)
        .first()
    )
    if draft is None:
        return Draft.objects.create(
            agent_id=agent.pk,
            conversation_id=conversation.pk,
            body=body,
            attachments=uploads,
            updated_at=now,
        )
    if draft.body.strip():
        body = f"{body}\n\n{draft.body}"
    draft.body = body
    draft.attachments = [*uploads, *(pk for pk in draft.attachments if pk not in uploads)]
    draft.updated_at = now
    draft.save(update_fields=["body", "attachments", "updated_at"])
    return draft
