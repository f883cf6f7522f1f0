"""The only writers of conversations, messages and deliveries.

Each action validates, changes rows in one durable transaction, appends Events and
publishes them on commit through core.wiring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klient.core.models import Event
from klient.core.wiring import publish_on_commit as _publish_on_commit
from klient.people.models import Team

from . import channel_registry, events, mentions, search, uploads
from .deliveries import NotResendable, record_delivery_outcome, resend
from .models import Conversation, Delivery, Draft, Message, Tag, Upload
from .receive import receive_message, receive_messages

__all__ = [
    "NotResendable",
    "receive_message",
    "receive_messages",
    "record_delivery_outcome",
    "resend",
]


def _check_body(body: str, *, files: bool = False) -> str:
    """The body as stored; it may be empty only when files go with it."""
    body = body.strip()
    if not body and not files:
        raise ValidationError("The message is empty.")
    if len(body) > 200_000:
        raise ValidationError("The message is longer than 200,000 characters.")
    return body


def _refuse_if_merged(conversation: Conversation) -> None:
    """A merged conversation is read-only: its thread lives on in the survivor."""
    if conversation.merged_into_id is not None:
        survivor = Conversation.objects.filter(pk=conversation.merged_into_id).first()
        raise ValidationError(
            f"{conversation.reference} was merged into "
            f"{survivor.reference if survivor else 'another conversation'}; continue there."
        )


def _locked_to_answer(conversation: Conversation) -> Conversation:
    """The conversation locked for an outbound message, with what composing one reads."""
    return (
        Conversation.objects.select_for_update()
        .select_related("customer", "team")
        .get(pk=conversation.pk)
    )


def reply(
    conversation: Conversation,
    *,
    actor: Any,
    body: str,
    status: str | None = None,
    channel: str | None = None,
    attachments: Sequence[Upload] = (),
) -> Message:
    """Send a public reply to the customer on `channel` (the conversation's own unless the
    agent picks another the customer can be reached on): stores the message and its
    delivery together, marks the customer answered, deletes the agent's draft of it, and
    queues delivery on commit.

    `attachments`: the actor's uploads (conversations.access.access_uploads); each becomes
    an Attachment of the reply, which the email channel sends as MIME parts.

    The delivery is held for KLIENT_UNDO_SEND_SECONDS (its next_attempt_at is that far
    ahead): no channel takes it before, so the agent may take it back meanwhile
    (conversations.drafts.undo_reply)."""
    body = _check_body(body, files=bool(attachments))
    if status is not None and status not in Conversation.Status.values:
        raise ValidationError(f"Unknown status {status!r}.")
    if channel is not None and channel not in channel_registry.names():
        raise ValidationError(
            f"Unknown channel {channel!r}; use one of {', '.join(channel_registry.names())}."
        )
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked_to_answer(conversation)
        _refuse_if_merged(conversation)
        answer_on = _answer_channel(conversation, channel)
        to = conversation.customer.reachable_at(answer_on.identity_kind)
        if not to:
            raise ValidationError(_unreachable(answer_on))
        files = uploads.locked(attachments)
        uploads.check_attachable(
            files, actor=actor, emailed=answer_on.delivery_channel == channel_registry.EMAIL
        )
        message = _outbound(
            conversation,
            answer_on,
            to=to,
            body=body,
            at=now,
            sender=Message.Sender.AGENT,
            author=actor,
            hold=undo_window(),
        )
        attached = uploads.attach(message, files)
        Draft.objects.filter(
            agent_id=getattr(actor, "pk", None), conversation=conversation
        ).delete()
        # The reply, then the status chosen with it, at the same moment and in that order.
        published = [
            events.outbound_queued(
                conversation,
                message,
                actor=actor,
                at=now,
                waited_since=conversation.waiting_since,
                attachments=attached,
            )
        ]
        changed = ["updated_at", "waiting_since"]
        conversation.updated_at = now
        conversation.waiting_since = None
        new_status = status or (
            Conversation.Status.OPEN
            if conversation.status == Conversation.Status.NEW
            else conversation.status
        )
        if new_status != conversation.status:
            published.append(
                events.field_changed(
                    conversation,
                    "status",
                    conversation.status,
                    new_status,
                    actor=actor,
                    reply=message,
                    at=now,
                )
            )
            conversation.status = new_status
            changed.append("status")
        conversation.save(update_fields=changed)
        _publish_on_commit(*published)
    return message


def reply_channels(conversation: Conversation) -> list[str]:
    """The channels this conversation's customer can be answered on, its own first; of
    channels that reach the customer the same way (web and email) only the first."""
    own = _answer_channel(conversation, None).name
    kinds = set(
        conversation.customer.identities.filter(verified_at__isnull=False).values_list(
            "kind", flat=True
        )
    )
    seen: set[tuple[str, str]] = set()
    reachable = []
    for name in sorted(channel_registry.names(), key=lambda name: (name != own, name)):
        channel = channel_registry.get(name)
        way = (channel.identity_kind, channel.delivery_channel)
        if channel.identity_kind in kinds and way not in seen:
            seen.add(way)
            reachable.append(name)
    return reachable


def undo_window() -> timedelta:
    """How long an agent's reply waits before it is handed to its channel
    (KLIENT_UNDO_SEND_SECONDS; 0: at once, and no undo)."""
    return timedelta(seconds=settings.KLIENT_UNDO_SEND_SECONDS)


def _answer_channel(conversation: Conversation, requested: str | None) -> channel_registry.Channel:
    """The channel a reply goes out on. A conversation whose own channel has no plug-in is
    answered by email, as it always was; one whose channel falls back (chat) is answered on
    that fallback when the customer cannot be reached on the channel itself."""
    name = requested or conversation.channel
    try:
        own = channel_registry.get(name)
    except channel_registry.UnknownChannel:
        if requested is not None:
            raise ValidationError(f"Unknown channel {requested!r}.") from None
        return channel_registry.get(channel_registry.EMAIL)
    if (
        requested is None
        and own.falls_back_to
        and not conversation.customer.reachable_at(own.identity_kind)
    ):
        return channel_registry.get(own.falls_back_to)
    return own


def _unreachable(channel: channel_registry.Channel) -> str:
    """Why an answer cannot go out on this channel, in words the workspace translates
    (workspace.views._ACTION_ERRORS)."""
    if channel.identity_kind == "email":
        return "The customer has no email address to reply to."
    if channel.identity_kind == "phone":
        return "The customer has no verified phone number to answer on."
    return "The customer cannot be reached on that channel."


def _outbound(
    conversation: Conversation,
    channel: channel_registry.Channel,
    *,
    to: str,
    body: str,
    at: Any,
    sender: str,
    author: Any = None,
    hold: timedelta = timedelta(0),
) -> Message:
    """An outbound message as its channel composes it, with its Delivery on that
    channel's transport, indexed for search. The delivery is due `hold` after `at`."""
    outbound = channel.composer()(conversation, to=to, author=author)
    message = Message.objects.create(
        conversation=conversation,
        kind=Message.Kind.OUTBOUND,
        sender=sender,
        author=author,
        from_address=outbound.from_address,
        from_name=outbound.from_name,
        to=list(outbound.to),
        subject=outbound.subject,
        body_text=body,
        new_text=body,
        message_id=outbound.message_id,
        in_reply_to=outbound.in_reply_to,
        references=outbound.references,
        language=conversation.language,
        is_auto_reply=sender == Message.Sender.SYSTEM,
        created_at=at,
    )
    Delivery.objects.create(
        message=message,
        channel=channel.delivery_channel,
        next_attempt_at=at + hold,
        created_at=at,
    )
    search.index_messages([message])
    return message


def acknowledge(conversation: Conversation, *, body: str) -> Message | None:
    """Send the team's automatic acknowledgement, at most once per conversation per day,
    on the conversation's channel (composed like a reply), or by email when Klient cannot
    send on that channel itself (a logged phone call); none when the customer cannot be
    reached that way.

    It is a system message: it never marks the customer answered."""
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked_to_answer(conversation)
        last = conversation.last_acknowledged_at
        if last is not None and now - last < timedelta(days=1):
            return None
        message = _system_message(conversation, body=body, at=now)
        if message is None:
            return None
        conversation.last_acknowledged_at = now
        conversation.save(update_fields=["last_acknowledged_at"])
    return message


def tell_customer(conversation: Conversation, *, body: str) -> Message | None:
    """A system message to the customer, from Klient rather than an agent (who covers for an
    away advisor, a callback's next attempt), sent like the acknowledgement: on the
    conversation's channel, or by email when Klient cannot send on it (a phone
    conversation); None when the customer cannot be reached that way. It never marks the
    customer answered. Precondition: `body` is in the customer's language."""
    with transaction.atomic():
        conversation = _locked_to_answer(conversation)
        return _system_message(conversation, body=body, at=timezone.now())


def _system_message(conversation: Conversation, *, body: str, at: Any) -> Message | None:
    channel = _answer_channel(conversation, None)
    if not channel.automatic:
        channel = channel_registry.get(channel_registry.EMAIL)
    to = conversation.customer.reachable_at(channel.identity_kind)
    if not to:
        return None
    message = _outbound(
        conversation, channel, to=to, body=body, at=at, sender=Message.Sender.SYSTEM
    )
    _publish_on_commit(events.outbound_queued(conversation, message, actor=None, automatic=True))
    return message


def add_note(
    conversation: Conversation,
    *,
    actor: Any,
    body: str,
    attachments: Sequence[Upload] = (),
    wording: dict[str, Any] | None = None,
) -> Message:
    """An internal note: visible to agents only, never sent, never an answer. Its
    `attachments` (the actor's uploads) are shown to agents only, never emailed. A note
    Klient writes gives its `wording` ({"kind", "params"}, klient.core.texts) so that each
    agent reads it in their language; `body` is then its English wording."""
    body = _check_body(body, files=bool(attachments))
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        _refuse_if_merged(conversation)
        files = uploads.locked(attachments)
        uploads.check_attachable(files, actor=actor, emailed=False)
        message = Message.objects.create(
            conversation=conversation,
            kind=Message.Kind.NOTE,
            sender=Message.Sender.AGENT,
            author=actor,
            from_address=getattr(actor, "email", ""),
            body_text=body,
            new_text=body,
            wording=wording,
            created_at=now,
        )
        attached = uploads.attach(message, files)
        search.index_messages([message])
        conversation.updated_at = now
        conversation.save(update_fields=["updated_at"])
        _publish_on_commit(
            events.note_added(conversation, message, actor=actor, attachments=attached)
        )
        if mentioned := mentions.note_mentioned(conversation, message, actor=actor):
            _publish_on_commit(mentioned)
    return message


_UNSET: Any = object()


def update_conversation(
    conversation: Conversation,
    *,
    actor: Any,
    status: str | None = None,
    priority: str | None = None,
    assignee: Any = _UNSET,
    team: Team | None = None,
) -> Conversation:
    """Change status, priority, assignee or team; one event per field that changed."""
    if status is not None and status not in Conversation.Status.values:
        raise ValidationError(
            f"Unknown status {status!r}; use one of {', '.join(Conversation.Status.values)}."
        )
    if priority is not None and priority not in Conversation.Priority.values:
        raise ValidationError(
            f"Unknown priority {priority!r}; use one of {', '.join(Conversation.Priority.values)}."
        )
    if assignee is not _UNSET and assignee is not None:
        user_model = get_user_model()
        if not isinstance(assignee, user_model) or not assignee.is_active:
            raise ValidationError("The assignee must be an active agent.")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        _refuse_if_merged(conversation)
        published: list[Event] = []
        changed: list[str] = []
        # field, its value now, the value asked for (as the event records them), what to set
        asked: list[tuple[str, Any, Any, Any]] = []
        if status is not None:
            asked.append(("status", conversation.status, status, status))
        if priority is not None:
            asked.append(("priority", conversation.priority, priority, priority))
        if assignee is not _UNSET:
            new_assignee = getattr(assignee, "pk", None)
            asked.append(("assignee", conversation.assignee_id, new_assignee, assignee))
        if team is not None:
            asked.append(("team", conversation.team_id, team.pk, team))
        for field, old, new, value in asked:
            if new != old:
                published.append(events.field_changed(conversation, field, old, new, actor=actor))
                setattr(conversation, field, value)
                changed.append(field)
        if changed:
            conversation.updated_at = timezone.now()
            conversation.save(update_fields=[*changed, "updated_at"])
            _publish_on_commit(*published)
    return conversation


MAX_TAG_LENGTH = 60


def _tag_names(names: Any) -> list[str]:
    """Tag names as stored: trimmed, lower-case, inner spaces collapsed, no duplicates."""
    cleaned = []
    for name in names:
        tag = " ".join(str(name).split()).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(f"A tag is at most {MAX_TAG_LENGTH} characters long.")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def set_tags(
    conversation: Conversation,
    *,
    actor: Any,
    tags: Any = None,
    add: Any = (),
    remove: Any = (),
) -> list[str]:
    """Put tags on a conversation: `tags` replaces them all, else `add` and `remove` change
    them. Unknown tags are created. One `tags.changed` event when the set changed (the SLA
    policies may match on a tag). Returns the conversation's tag names, sorted."""
    replacing = None if tags is None else _tag_names(tags)
    adding, removing = _tag_names(add), _tag_names(remove)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        before = sorted(conversation.tags.values_list("name", flat=True))
        after = set(before) if replacing is None else set(replacing)
        after = (after | set(adding)) - set(removing)
        if after == set(before):
            return before
        for name in sorted(after - set(before)):
            Tag.objects.get_or_create(name=name)
        conversation.tags.set(Tag.objects.filter(name__in=after))
        conversation.updated_at = timezone.now()
        conversation.save(update_fields=["updated_at"])
        _publish_on_commit(
            events.field_changed(conversation, "tags", before, sorted(after), actor=actor)
        )
    return sorted(after)
