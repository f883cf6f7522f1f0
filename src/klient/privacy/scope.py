"""What an export or an erasure covers: a customer (their identities, their conversations
and what quotes them), or, for a team's retention rule, some conversations only."""

from __future__ import annotations

from dataclasses import dataclass, field

from klient.conversations.models import Attachment, Conversation, Message
from klient.people.models import Customer, Identity
from klient.phone.models import Call

from . import scrub


@dataclass
class Scope:
    customer: Customer | None
    conversation_ids: list[int]
    # The customer's identity values: email addresses (lower-cased), E.164 numbers, chat ids.
    addresses: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    # The values to look for where something only quotes them (klient.privacy.scrub):
    # `found` in rows tied to the conversations; `identifiers` (who they are: name,
    # addresses, numbers), a short list, also searched for elsewhere.
    found: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()
    _messages: list[Message] | None = field(default=None, repr=False)

    def messages(self) -> list[Message]:
        """The conversations' messages as they were when first asked for (read once: the
        domains that erase run after the ones that read them)."""
        if self._messages is None:
            self._messages = list(
                Message.objects.filter(conversation_id__in=self.conversation_ids).order_by("id")
            )
        return self._messages


def for_customer(customer: Customer) -> Scope:
    identities = list(Identity.objects.filter(customer=customer).values_list("kind", "value"))
    scope = Scope(
        customer=customer,
        conversation_ids=list(
            Conversation.objects.filter(customer=customer)
            .order_by("id")
            .values_list("pk", flat=True)
        ),
        addresses=[v for k, v in identities if k == Identity.Kind.EMAIL],
        numbers=[v for k, v in identities if k == Identity.Kind.PHONE],
    )
    scope.identifiers, scope.found = _needles(scope, [customer.name, *(v for _k, v in identities)])
    return scope


def for_conversations(conversation_ids: list[int]) -> Scope:
    """A retention rule's scope: what the conversations hold and what quotes it inside them.
    Nothing is searched for elsewhere (no `identifiers`): the customer stays, with their
    other conversations, and a sweep must cost what its conversations hold, not what the
    whole desk's audit log does."""
    scope = Scope(customer=None, conversation_ids=sorted(conversation_ids))
    _identifiers, scope.found = _needles(scope, [])
    return scope


def _needles(scope: Scope, values: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """What quoting would give the erased data away: who they are (the given values, the
    senders of their messages, the numbers of their calls), and also the conversations'
    subjects, lines of what they wrote and the files' names."""
    ids = scope.conversation_ids
    who = list(values)
    found: list[str] = []
    found += Conversation.objects.filter(pk__in=ids).values_list("subject", flat=True)
    for message in Message.objects.filter(conversation_id__in=ids).only(
        "sender", "from_address", "from_name", "subject", "new_text", "body_text"
    ):
        found.append(message.subject)
        if message.sender == Message.Sender.CUSTOMER:
            who += [message.from_address, message.from_name]
            found += scrub.text_lines(message.new_text or message.body_text)
    found += Attachment.objects.filter(message__conversation_id__in=ids).values_list(
        "filename", flat=True
    )
    for call in Call.objects.filter(conversation_id__in=ids).only(
        "direction", "from_number", "to_number", "transcript", "notes"
    ):
        found.append(
            call.from_number if call.direction == Call.Direction.INBOUND else call.to_number
        )
        found += scrub.text_lines(call.transcript) + scrub.text_lines(call.notes)
    # As written, for SQL's case-insensitive match; case-folded in `found` for scrub.
    identifiers = frozenset(v.strip() for v in who if v and len(v.strip()) >= scrub.SHORTEST_NEEDLE)
    return identifiers, scrub.needles([*identifiers, *found])
