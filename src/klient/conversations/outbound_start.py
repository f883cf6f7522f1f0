"""An agent starts a conversation: an email to a customer, or a logged phone call.

The customer is found, or created, by the identity the channel reaches them at
(people.identities: an email address, an E.164 number). The agent's first message is a
reply like any other (conversations.actions.reply): an email is delivered by the mail
channel; a call, on the phone channel, has happened already and is recorded delivered at
once, so nothing is sent. No customer message waits, so no SLA target starts (the clock
starts at a customer's message, docs/sla.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from klient.core.wiring import publish_on_commit
from klient.people.actions import find_or_create_customer, identity_key
from klient.people.identities import EMAIL, PHONE, InvalidIdentity
from klient.people.models import Team

from . import actions, events
from .models import Conversation, Upload

STARTABLE_CHANNELS = (Conversation.Channel.EMAIL, Conversation.Channel.PHONE)
MAX_SUBJECT = 500


def start_conversation(
    *,
    actor: Any,
    team: Team,
    channel: str,
    subject: str,
    body: str,
    email: str = "",
    phone: str = "",
    name: str = "",
    status: str | None = None,
    attachments: Sequence[Upload] = (),
) -> Conversation:
    """A new conversation of `team` with the customer given by `email` (channel email)
    or `phone` (channel phone), and the agent's first message in it: conversation.created
    (by the agent), then what reply() writes. All or nothing.

    Precondition: the entry point got `team` and `attachments` through
    conversations.access (access_team, access_uploads)."""
    if channel not in STARTABLE_CHANNELS:
        raise ValidationError(
            f"A conversation is started by email or phone, not {channel!r}; use "
            "channel email or phone.",
            code="channel",
        )
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationError("The subject is empty.", code="subject_empty")
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(
            f"The subject is longer than {MAX_SUBJECT} characters.", code="subject_too_long"
        )
    kind, value = _identity(channel, email=email.strip(), phone=phone.strip())
    now = timezone.now()
    with transaction.atomic():
        customer = find_or_create_customer(kind, value, " ".join(name.split()))
        conversation = Conversation.objects.create(
            subject=subject,
            team=team,
            customer=customer,
            channel=channel,
            created_at=now,
            updated_at=now,
        )
        publish_on_commit(events.conversation_created(conversation, actor=actor))
        actions.reply(
            conversation,
            actor=actor,
            body=body,
            status=status,
            channel=channel,
            attachments=attachments,
        )
    conversation.refresh_from_db()
    return conversation


def _identity(channel: str, *, email: str, phone: str) -> tuple[str, str]:
    """(kind, value) of the customer's identity on `channel`, checked."""
    if email and phone:
        raise ValidationError(
            "Give the customer's email address or phone number, not both: the "
            "conversation's channel decides which one reaches them.",
            code="both_identities",
        )
    if channel == Conversation.Channel.EMAIL:
        if not email:
            raise ValidationError(
                "An email conversation needs the customer's email address.", code="no_email"
            )
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                f"{email!r} is not an email address.", code="invalid_email"
            ) from None
        return identity_key(EMAIL, email)
    if not phone:
        raise ValidationError(
            "A phone conversation needs the customer's phone number.", code="no_phone"
        )
    try:
        return identity_key(PHONE, phone)
    except InvalidIdentity:
        raise ValidationError(f"{phone!r} is not a phone number.", code="invalid_phone") from None
