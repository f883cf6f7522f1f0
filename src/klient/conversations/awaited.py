"""Replies that arrive before the message they answer end on its conversation anyway.

Mail is not delivered in order: a relay delays the first message, or the worker holding it
dies and it is re-driven minutes later. Its reply, processed first, finds no parent and
opens a conversation (or lands in one by subject) of its own. So a stored message that
names Message-IDs we do not have leaves them here as *awaited* (AwaitedMessage); when a
message with one of those ids is stored in another conversation, the two conversations
are one thread: the later-created is merged into the earlier (conversations.merge, which
keeps the customer's wait and writes the merge events, with reason AWAITED_REASON).

A merge is refused, as an agent's would be, between two customers' conversations: an
In-Reply-To proves nothing about who wrote it. Awaited ids older than AWAITED_FOR are
swept: a parent that late is not coming."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from klient.core import bulk

from .merge import merge_conversations, survivor_of
from .models import AwaitedMessage, Conversation, Message

logger = logging.getLogger(__name__)

AWAITED_FOR = timedelta(days=30)
# The ids of one message remembered at most: In-Reply-To and the nearest References.
AWAITED_PER_MESSAGE = 10
AWAITED_REASON = "reply arrived before the message it answers"


def remember(pairs: Iterable[tuple[Message, Sequence[str]]]) -> None:
    """Record, for each stored message, the Message-IDs it answers that are not stored:
    `pairs` holds (message, its In-Reply-To and References, nearest first). One query to
    find which are stored, one insert; call inside the transaction that stores them."""
    wanted = {
        message: [i for i in dict.fromkeys(ids) if i][:AWAITED_PER_MESSAGE]
        for message, ids in pairs
    }
    every = {i for ids in wanted.values() for i in ids}
    now = timezone.now()
    if not every:
        return
    stored = set(Message.objects.filter(message_id__in=every).values_list("message_id", flat=True))
    bulk.insert(
        AwaitedMessage,
        [
            AwaitedMessage(message_id=i, conversation_id=message.conversation_id, created_at=now)
            for message, ids in wanted.items()
            for i in ids
            if i not in stored
        ],
        ignore_conflicts=True,
    )


def settle(messages: Sequence[Message]) -> list[Conversation]:
    """Bring together the conversations that awaited one of `messages` and the one it
    landed in. Run after the messages are committed; returns the conversations merged
    away. Each merge is its own transaction (merge_conversations)."""
    by_id = {m.message_id: m for m in messages if m.message_id}
    if not by_id:
        return []
    rows = list(AwaitedMessage.objects.filter(message_id__in=by_id).order_by("pk"))
    merged: list[Conversation] = []
    for row in rows:
        message = by_id[row.message_id]
        if row.conversation_id != message.conversation_id:
            source = _merge_thread(row.conversation_id, message.conversation_id)
            if source is not None:
                merged.append(source)
    AwaitedMessage.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return merged


def _merge_thread(first_id: int, second_id: int) -> Conversation | None:
    ends = {
        c.pk: survivor_of(c)
        for c in Conversation.objects.select_related("customer").filter(
            pk__in=[first_id, second_id]
        )
    }
    if len(ends) != 2 or ends[first_id].pk == ends[second_id].pk:
        return None
    earlier, later = sorted(ends.values(), key=lambda c: (c.created_at, c.pk))
    try:
        return merge_conversations(later, earlier, actor=None, reason=AWAITED_REASON)
    except ValidationError as exc:
        logger.info(
            "not merging %s into %s, one thread: %s", later.reference, earlier.reference, exc
        )
        return None


def sweep_awaited() -> int:
    """Forget awaited ids older than AWAITED_FOR (the worker's sweeper calls it). Returns 0:
    nothing was re-driven."""
    AwaitedMessage.objects.filter(created_at__lt=timezone.now() - AWAITED_FOR).delete()
    return 0
