"""Which conversation an inbound email belongs to, and whether its sender may join it.

Order: In-Reply-To and References against stored Message-IDs, then a signed reply
address among the recipients, then the reference token in the subject — never the
subject alone. A conversation merged into another stands for the survivor (its
`merged_into`, followed to the end). A match joins only if the sender is the
conversation's customer or a participant, or wrote through the signed reply address;
otherwise a new conversation is opened (a forged From cannot slip into someone else's
case)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from klient.conversations.merge import MAX_CHAIN
from klient.conversations.models import Conversation, Message, Participant
from klient.people.models import Identity

from . import addresses

SUBJECT_TOKEN = re.compile(r"\[\s*(K-\d{1,15})\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class ThreadMatch:
    conversation: Conversation | None
    how: str  # "headers", "signed-address", "subject-token", "" for none
    refused: str = ""  # why a match was not joined, for the event log


def find_conversation(
    *,
    from_address: str,
    recipients: tuple[str, ...],
    subject: str,
    in_reply_to: str,
    references: tuple[str, ...],
    team_id: int | None,
    known_ids: dict[str, int | None] | None = None,
) -> ThreadMatch:
    """known_ids, when given, holds the header lookups a caller made in bulk: Message-ID ->
    its conversation id, or None for an id that is not stored. Ids it does not hold are
    looked up here."""
    signed_ref = next(
        (ref for a in recipients if (ref := addresses.verified_reference(a)) is not None), None
    )
    candidate: Conversation | None = None
    how = ""
    ids = [i for i in (in_reply_to, *reversed(references)) if i][:50]
    conv_id = None
    if known_ids is not None:
        conv_id = next((c for i in ids if (c := known_ids.get(i)) is not None), None)
        ids = [] if conv_id is not None else [i for i in ids if i not in known_ids]
    if ids:
        conv_id = (
            Message.objects.filter(message_id__in=ids)
            .order_by("-created_at")
            .values_list("conversation_id", flat=True)
            .first()
        )
    if conv_id is not None:
        candidate = Conversation.objects.select_related("customer").get(pk=conv_id)
        how = "headers"
    if candidate is None and signed_ref is not None:
        candidate = _by_reference(signed_ref)
        how = "signed-address" if candidate else ""
    if candidate is None and (match := SUBJECT_TOKEN.search(subject or "")):
        candidate = _by_reference(match.group(1))
        how = "subject-token" if candidate else ""
    if candidate is None:
        return ThreadMatch(None, "")
    # A merged conversation's mail lands in the one it was merged into; the signed reply
    # address of any conversation on the way still vouches for the sender.
    on_the_way = {candidate.reference}
    while candidate.merged_into_id is not None and len(on_the_way) <= MAX_CHAIN:
        candidate = Conversation.objects.select_related("customer").get(pk=candidate.merged_into_id)
        on_the_way.add(candidate.reference)
    if signed_ref is not None and signed_ref in on_the_way:
        return ThreadMatch(candidate, "signed-address" if how != "headers" else how)
    if _may_write(candidate, from_address):
        return ThreadMatch(candidate, how)
    return ThreadMatch(
        None, "", refused=f"{from_address} is not a participant of {candidate.reference}"
    )


def _by_reference(reference: str) -> Conversation | None:
    pk = Conversation.pk_from_reference(reference)
    if pk is None:
        return None
    return Conversation.objects.select_related("customer").filter(pk=pk).first()


def _may_write(conversation: Conversation, from_address: str) -> bool:
    address = from_address.strip().lower()
    if Identity.objects.filter(customer_id=conversation.customer_id, value=address).exists():
        return True
    return Participant.objects.filter(conversation=conversation, address=address).exists()
