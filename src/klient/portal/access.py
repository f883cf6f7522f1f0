"""The only way portal views get conversations and attachments for a signed-in customer.

Scope: the conversations whose customer they are, and those they take part in (an address
of theirs is a participant). Anything else answers exactly like something that does not
exist (Http404): a guessed reference or attachment id reveals nothing. Internal notes are
outside the scope too: never shown, never downloadable."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from klient.conversations.models import Attachment, Conversation, Message, Participant
from klient.people.models import Customer, Identity

PUBLIC_KINDS = (Message.Kind.INBOUND, Message.Kind.OUTBOUND)


def conversations_of(customer: Customer) -> QuerySet[Conversation]:
    addresses = Identity.objects.filter(customer=customer, kind=Identity.Kind.EMAIL).values("value")
    taking_part = Participant.objects.filter(address__in=addresses).values("conversation_id")
    return Conversation.objects.filter(Q(customer=customer) | Q(pk__in=taking_part))


def access_conversation(customer: Customer, reference: str) -> Conversation:
    pk = Conversation.pk_from_reference(reference)
    if pk is None:
        raise Http404("No such conversation.")
    conversation = conversations_of(customer).filter(pk=pk).select_related("team").first()
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def public_messages(conversation: Conversation) -> QuerySet[Message]:
    return (
        conversation.messages.filter(kind__in=PUBLIC_KINDS)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def access_attachment(customer: Customer, reference: str, attachment_id: int) -> Attachment:
    conversation = access_conversation(customer, reference)
    attachment = Attachment.objects.filter(
        pk=attachment_id,
        message__conversation=conversation,
        message__kind__in=PUBLIC_KINDS,
    ).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
