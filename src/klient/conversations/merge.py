"""Merging a duplicate conversation into the one that survives (docs/merge.md).

A customer who writes twice about the same thing gets one conversation, not two: the
source's messages (with their attachments and internal notes), participants and tags move
to the survivor; the source keeps its reference, is closed and points at the survivor
(`merged_into`), so its old links, Message-IDs and subject token lead there. The survivor
keeps its SLA policy and clock; a customer who had been waiting longer on the source
carries that wait over (docs/sla.md, "Merge")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from klient.core.events import append
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.people.models import Identity

from . import events, search
from .access import conversations_in_scope
from .events import Kind
from .models import Attachment, Conversation, Message, Participant

__all__ = ["MAX_CHAIN", "MergeCounts", "merge_conversations", "survivor_of"]

# A merged conversation may itself be merged later (A -> B, then B -> C): chains stay
# short in practice; the bound only guards against a corrupted loop.
MAX_CHAIN = 50
STOPPED = (Conversation.Status.SOLVED, Conversation.Status.CLOSED)
# A customer still waiting on the source makes the survivor wait again (like a message).
REOPENED_BY_MERGE = (
    Conversation.Status.PENDING,
    Conversation.Status.SOLVED,
    Conversation.Status.CLOSED,
)


@dataclass(frozen=True)
class MergeCounts:
    messages: int
    attachments: int
    notes: int
    participants: int
    tags: list[str]

    def as_data(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "attachments": self.attachments,
            "notes": self.notes,
            "participants": self.participants,
            "tags": self.tags,
        }


def survivor_of(conversation: Conversation, *, lock: bool = False) -> Conversation:
    """The conversation that `conversation` ends in after following `merged_into`; itself
    when it was never merged."""
    current = conversation
    for _ in range(MAX_CHAIN):
        if current.merged_into_id is None:
            return current
        queryset = Conversation.objects.select_for_update() if lock else Conversation.objects
        current = queryset.select_related("customer").get(pk=current.merged_into_id)
    raise ValidationError(f"{conversation.reference} is merged in a chain that does not end.")


def _check_scope(actor: Any, *conversations: Conversation) -> None:
    """Both ends must be visible to the actor, answered like a conversation that does not
    exist (404) otherwise. No actor means the system (command line, tasks)."""
    if actor is None:
        return
    wanted = {c.pk for c in conversations}
    visible = set(conversations_in_scope(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    for conversation in conversations:
        if conversation.pk not in visible:
            raise Http404(f"No conversation {conversation.reference} that you can see.")


def _check_customers(source: Conversation, survivor: Conversation, allowed: bool) -> None:
    if source.customer_id == survivor.customer_id or allowed:
        return
    raise ValidationError(
        f"{source.reference} and {survivor.reference} belong to different customers "
        f"({source.customer.primary_email() or source.customer_id} and "
        f"{survivor.customer.primary_email() or survivor.customer_id}): merging would show "
        "one customer's messages to the other's replies. Confirm with allow_other_customer "
        "to merge them anyway.",
        code="other_customer",
    )


def merge_conversations(
    source: Conversation,
    target: Conversation,
    *,
    actor: Any,
    allow_other_customer: bool = False,
    reason: str = "",
) -> Conversation:
    """Merge `source` into `target` (or into the conversation `target` was itself merged
    into) and return the source, closed, with `merged_into` set.

    Preconditions, checked here: both visible to `actor` (Http404 otherwise); not into
    itself; the source not already merged elsewhere; the same customer unless
    `allow_other_customer`. Repeating a merge that is done changes nothing and appends no
    event. One durable transaction: messages move with one UPDATE, the events
    `conversation.merged_into` (source) and `conversation.merged` (survivor) are appended
    and published on commit (the SLA handler then recomputes both clocks). `reason`, when
    the system merges on its own, says why in both events."""
    if source.pk == target.pk:
        raise ValidationError(f"{source.reference} cannot be merged into itself.", code="self")
    with transaction.atomic():
        # Lock in primary-key order so two opposite merges cannot deadlock.
        locked = {
            c.pk: c
            for c in Conversation.objects.select_for_update()
            .select_related("customer")
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise Http404("No such conversation.")
        source = locked[source.pk]
        survivor = survivor_of(locked[target.pk], lock=True)
        _check_scope(actor, source, survivor)
        if survivor.pk == source.pk:
            raise ValidationError(
                f"{target.reference} was merged into {source.reference}: "
                f"{source.reference} cannot be merged into it.",
                code="self",
            )
        if source.merged_into_id is not None:
            if survivor_of(source).pk == survivor.pk:
                return source  # already done: idempotent
            raise ValidationError(
                f"{source.reference} was already merged into {survivor_of(source).reference}.",
                code="already_merged",
            )
        _check_customers(source, survivor, allow_other_customer)
        return _merge(source, survivor, actor=actor, reason=reason)


def _merge(
    source: Conversation, survivor: Conversation, *, actor: Any, reason: str = ""
) -> Conversation:
    now = timezone.now()
    published: list[Event] = []
    moved = Message.objects.filter(conversation=source)
    notes = moved.filter(kind=Message.Kind.NOTE).count()
    attachments = Attachment.objects.filter(message__conversation=source).count()
    messages = moved.update(conversation=survivor)
    search.merge_documents(source.pk, survivor.pk)
    participants = _carry_participants(source, survivor)
    tags = _carry_tags(source, survivor, actor=actor, published=published)
    counts = MergeCounts(messages, attachments, notes, participants, tags)

    # The customer of the source may still be waiting: that wait is the survivor's now.
    carried_wait = source.waiting_since if source.status not in STOPPED else None
    survivor_changed = {"updated_at"}
    if carried_wait is not None:
        if survivor.waiting_since is None or carried_wait < survivor.waiting_since:
            survivor.waiting_since = carried_wait
            survivor_changed.add("waiting_since")
        if survivor.status in REOPENED_BY_MERGE:
            published.append(
                events.field_changed(
                    survivor,
                    "status",
                    survivor.status,
                    Conversation.Status.OPEN,
                    actor=actor,
                    reason=f"{source.reference} merged, its customer waiting",
                )
            )
            survivor.status = Conversation.Status.OPEN
            survivor_changed.add("status")
    survivor.updated_at = now
    survivor.save(update_fields=sorted(survivor_changed))

    if source.status != Conversation.Status.CLOSED:
        published.append(
            events.field_changed(
                source,
                "status",
                source.status,
                Conversation.Status.CLOSED,
                actor=actor,
                reason=f"merged into {survivor.reference}",
            )
        )
        source.status = Conversation.Status.CLOSED
    source.merged_into = survivor
    source.waiting_since = None
    source.updated_at = now
    source.save(update_fields=["status", "merged_into", "waiting_since", "updated_at"])

    published.append(merged_into_event(source, survivor, counts, actor=actor, reason=reason))
    published.append(
        merged_event(survivor, source, counts, carried_wait, actor=actor, reason=reason)
    )
    publish_on_commit(*published)
    return source


def _carry_participants(source: Conversation, survivor: Conversation) -> int:
    """Everyone who could write into the source can write into the survivor: its
    participants and, when the customers differ, the source customer's addresses.
    Returns how many addresses the survivor gained."""
    addresses = set(
        Participant.objects.filter(conversation=source).values_list("address", flat=True)
    )
    if source.customer_id != survivor.customer_id:
        addresses |= set(
            Identity.objects.filter(
                customer_id=source.customer_id, kind=Identity.Kind.EMAIL
            ).values_list("value", flat=True)
        )
    addresses -= set(
        Identity.objects.filter(customer_id=survivor.customer_id).values_list("value", flat=True)
    )
    addresses -= set(
        Participant.objects.filter(conversation=survivor).values_list("address", flat=True)
    )
    Participant.objects.bulk_create(
        [Participant(conversation=survivor, address=a) for a in sorted(addresses)],
        ignore_conflicts=True,
    )
    return len(addresses)


def _carry_tags(
    source: Conversation, survivor: Conversation, *, actor: Any, published: list[Event]
) -> list[str]:
    """The survivor gets the source's tags (one `tags.changed` when its set grows: SLA
    policies may match on a tag). Returns the tag names it gained."""
    before = set(survivor.tags.values_list("name", flat=True))
    incoming = list(source.tags.all())
    gained = sorted({t.name for t in incoming} - before)
    if gained:
        survivor.tags.add(*incoming)
        published.append(
            events.field_changed(
                survivor, "tags", sorted(before), sorted(before | set(gained)), actor=actor
            )
        )
    return gained


def merged_into_event(
    source: Conversation,
    survivor: Conversation,
    counts: MergeCounts,
    *,
    actor: Any,
    reason: str = "",
) -> Event:
    """On the source: where it went and what moved."""
    return append(
        Kind.CONVERSATION_MERGED_INTO,
        conversation=source,
        actor=actor,
        actor_label="" if actor else "system",
        data={
            "into": survivor.reference,
            "into_id": survivor.pk,
            **counts.as_data(),
            **({"reason": reason} if reason else {}),
        },
    )


def merged_event(
    survivor: Conversation,
    source: Conversation,
    counts: MergeCounts,
    carried_wait: Any,
    *,
    actor: Any,
    reason: str = "",
) -> Event:
    """On the survivor: what came in, and since when the source's customer had been
    waiting (the SLA clock reads `waiting_since`; null when nobody was)."""
    return append(
        Kind.CONVERSATION_MERGED,
        conversation=survivor,
        actor=actor,
        actor_label="" if actor else "system",
        data={
            "from": source.reference,
            "from_id": source.pk,
            "waiting_since": carried_wait.isoformat() if carried_wait else None,
            **counts.as_data(),
            **({"reason": reason} if reason else {}),
        },
    )
