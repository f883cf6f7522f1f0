"""Receiving customer messages: the one path every channel uses to store what arrives.

Batch-native so an import of 10,000 emails costs a few statements per hundred messages;
receive_message is a batch of one, so both follow exactly the same rules."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, connection, transaction

from klient.core import bulk
from klient.core.events import collecting
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.people.actions import (
    IdentityKey,
    find_or_create_customers,
    identity_key,
    normalise_email,
)
from klient.people.queries import team_email_addresses

from . import awaited, events, search
from .incoming import IncomingMessage
from .models import Attachment, Conversation, Message, Participant

REOPENED_BY_CUSTOMER = (
    Conversation.Status.PENDING,
    Conversation.Status.SOLVED,
    Conversation.Status.CLOSED,
)

Item = tuple[IncomingMessage, Conversation | None]


def receive_message(
    incoming: IncomingMessage,
    *,
    conversation: Conversation | None = None,
    announce: bool = True,
) -> tuple[Message, bool]:
    """Store an inbound customer message, in `conversation` or in a new one.

    Returns (message, created). A message whose Message-ID is already stored is not stored
    again: the existing one is returned with created=False. Automatic messages
    (auto-replies, bounces, bulk) are attached and flagged but never reopen a case nor
    count as the customer waiting for an answer. announce=False (imports of old mail)
    records the events but triggers nothing: no acknowledgement, no notification."""
    [result] = receive_messages([(incoming, conversation)], announce=announce)
    return result


def receive_messages(
    items: Sequence[Item], *, announce: bool = True, source_is_durable: bool = False
) -> list[tuple[Message, bool]]:
    """receive_message for several messages in one transaction, results in order.
    source_is_durable: the caller keeps the source (raw mail and its work row) until this
    commits, so the commit need not wait for the disk (see _relax_commit_durability).

    Precondition: no item replies to another item of the same batch (the caller splits
    batches there), since threading was decided before any of them was stored."""
    try:
        return _receive_all(items, announce, source_is_durable)
    except IntegrityError:
        if len(items) == 1:
            existing = _existing(items)
            incoming = items[0][0]
            if incoming.message_id in existing:
                return [(existing[incoming.message_id], False)]
            raise
        # A concurrent worker stored one of them meanwhile: settle them one by one.
        return [
            receive_messages([item], announce=announce, source_is_durable=source_is_durable)[0]
            for item in items
        ]


def _existing(items: Sequence[Item]) -> dict[str, Message]:
    ids = [incoming.message_id for incoming, _ in items if incoming.message_id]
    if not ids:
        return {}
    return {m.message_id: m for m in Message.objects.filter(message_id__in=ids) if m.message_id}


def _receive_all(
    items: Sequence[Item], announce: bool, source_is_durable: bool
) -> list[tuple[Message, bool]]:
    existing = _existing(items)
    results: list[tuple[Message, bool] | None] = [None] * len(items)
    fresh: list[int] = []
    first_of: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for index, (incoming, _) in enumerate(items):
        mid = incoming.message_id
        if mid and mid in existing:
            results[index] = (existing[mid], False)
        elif mid and mid in first_of:
            repeats[index] = first_of[mid]
        else:
            if mid:
                first_of[mid] = index
            fresh.append(index)
    if fresh:
        senders = {i: identity_key(items[i][0].from_kind, items[i][0].from_address) for i in fresh}
        customers = find_or_create_customers({senders[i]: items[i][0].from_name for i in fresh})
        published: list[Event] = []
        with transaction.atomic():
            if source_is_durable:
                _relax_commit_durability()
            with collecting():
                stored = _store(items, fresh, senders, customers, published)
            if announce:
                publish_on_commit(*published)
        for index, message in zip(fresh, stored, strict=True):
            results[index] = (message, True)
        # After the commit: a merge is a transaction of its own, and sees these messages.
        awaited.settle(stored)
    for index, first in repeats.items():
        results[index] = (results[first][0], False)  # type: ignore[index]
    return results  # type: ignore[return-value]


def _store(
    items: Sequence[Item],
    fresh: list[int],
    senders: dict[int, IdentityKey],
    customers: dict,
    published: list[Event],
) -> list[Message]:
    existing_ids = sorted({conv.pk for i in fresh if (conv := items[i][1]) is not None})
    locked = {
        c.pk: c
        for c in Conversation.objects.select_for_update().filter(pk__in=existing_ids).order_by("pk")
    }
    new_conversations: dict[int, Conversation] = {}
    for i in fresh:
        incoming, conversation = items[i]
        if conversation is None:
            new_conversations[i] = Conversation(
                subject=incoming.subject[:500],
                team_id=incoming.team_id,
                customer=customers[senders[i]],
                channel=incoming.channel,
                language=incoming.language,
                created_at=incoming.received_at,
                updated_at=incoming.received_at,
                waiting_since=None if incoming.is_automatic else incoming.received_at,
                automatic=incoming.is_auto_reply or incoming.is_bounce,
            )
    bulk.insert(Conversation, list(new_conversations.values()))
    for conversation in new_conversations.values():
        published.append(events.conversation_created(conversation))
    _add_participants([(items[i][0], c) for i, c in new_conversations.items()])

    def conversation_of(i: int) -> Conversation:
        conversation = items[i][1]
        return new_conversations[i] if conversation is None else locked[conversation.pk]

    messages = [_message(items[i][0], senders[i][1], conversation_of(i)) for i in fresh]
    bulk.insert(Message, messages)
    awaited.remember(
        (message, (items[i][0].in_reply_to, *reversed(items[i][0].references)))
        for i, message in zip(fresh, messages, strict=True)
        if items[i][0].threaded_by != "headers"
    )
    search.index_messages(messages)
    bulk.insert(
        Attachment,
        [
            Attachment(
                message=message,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                blob=a.blob,
                content_id=a.content_id,
            )
            for i, message in zip(fresh, messages, strict=True)
            for a in items[i][0].attachments
        ],
    )
    changed: dict[int, set[str]] = {}
    for i, message in zip(fresh, messages, strict=True):
        conversation = conversation_of(i)
        published.append(
            events.message_received(conversation, message, threaded_by=items[i][0].threaded_by)
        )
        if i not in new_conversations:
            fields = changed.setdefault(conversation.pk, set())
            fields.update(_apply_customer_message(conversation, items[i][0], published))
    bulk.update(Conversation, [(locked[pk], fields) for pk, fields in changed.items()])
    return messages


def _message(incoming: IncomingMessage, sender: str, conversation: Conversation) -> Message:
    return Message(
        conversation=conversation,
        kind=Message.Kind.INBOUND,
        sender=Message.Sender.CUSTOMER,
        from_address=sender,
        from_name=incoming.from_name[:200],
        to=list(incoming.to),
        cc=list(incoming.cc),
        subject=incoming.subject[:998],
        body_text=incoming.body_text,
        new_text=incoming.new_text,
        body_html=incoming.body_html,
        raw_blob=incoming.raw_blob,
        message_id=incoming.message_id or None,
        in_reply_to=incoming.in_reply_to,
        references=" ".join(incoming.references),
        language=incoming.language,
        is_auto_reply=incoming.is_auto_reply,
        is_bounce=incoming.is_bounce,
        is_bulk=incoming.is_bulk,
        auto_score=incoming.auto_score,
        auto_reasons=list(incoming.auto_reasons),
        has_remote_images=incoming.has_remote_images,
        created_at=incoming.received_at,
    )


def _apply_customer_message(
    conversation: Conversation, incoming: IncomingMessage, published: list[Event]
) -> set[str]:
    """A message in an existing conversation: the customer wrote, so it reopens and waits
    — unless it is automatic, which never reopens and never waits."""
    changed = {"updated_at"}
    conversation.updated_at = max(conversation.updated_at, incoming.received_at)
    if incoming.is_automatic:
        return changed
    if conversation.automatic:
        # A person wrote into what only robots had: it is a case for agents now.
        conversation.automatic = False
        changed.add("automatic")
    if conversation.status in REOPENED_BY_CUSTOMER:
        published.append(events.reopened(conversation, reason="customer wrote"))
        conversation.status = Conversation.Status.OPEN
        changed.add("status")
    if conversation.waiting_since is None:
        conversation.waiting_since = incoming.received_at
        changed.add("waiting_since")
    if not conversation.language and incoming.language:
        conversation.language = incoming.language
        changed.add("language")
    return changed


def _relax_commit_durability() -> None:
    """Storing a received mail may skip waiting for the disk on PostgreSQL: the raw mail is
    already durable and its work row is marked done only by a later, synchronous commit
    (which flushes this one first), so a crash just re-drives it. Replies and other
    changes made by people keep full durability."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _add_participants(new: list[tuple[IncomingMessage, Conversation]]) -> None:
    """Addresses copied on the first message may write into the conversation too; team
    addresses (and their plus-addressed aliases) are the team, not participants."""
    candidates = {
        id(conversation): {
            normalise_email(a)
            for a in (*incoming.to, *incoming.cc)
            if a and normalise_email(a) != normalise_email(incoming.from_address)
        }
        for incoming, conversation in new
    }
    if not any(candidates.values()):
        return
    teams = set(team_email_addresses())
    bulk.insert(
        Participant,
        [
            Participant(conversation=conversation, address=address[:320])
            for _, conversation in new
            for address in sorted(candidates[id(conversation)])
            if address not in teams and _base_address(address) not in teams
        ],
        ignore_conflicts=True,
    )


def _base_address(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"
