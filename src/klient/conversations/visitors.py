"""A chat visitor proving the email they gave: only then does it join them to its owner.

A visitor typing an address proves nothing (anyone can type anyone's address), so it is
stored as an unverified identity that finds and reaches no one. When the visitor follows
the magic link sent to it, confirm_identity makes it theirs, or, when a customer already
owns that address, moves the visitor's conversations (and their visitor id) to that
customer, so the agent sees one history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.people.actions import prove_identity
from klient.people.models import Customer, Identity

from . import events
from .models import Conversation


def confirm_identity(identity: Identity, *, actor: Any = None) -> Customer:
    """The identity has been proven by its magic link: make it verified, and join the
    claimant's conversations to the customer who owns it. Returns that customer.
    Idempotent: proving twice changes nothing more."""
    with transaction.atomic():
        claimant_id = identity.customer_id
        verified, owner = prove_identity(identity, actor=actor)
        if owner is None:
            return verified.customer
        published: list[Event] = []
        conversations = list(
            Conversation.objects.select_for_update().filter(customer_id=claimant_id).order_by("pk")
        )
        now = timezone.now()
        for conversation in conversations:
            published.append(
                events.field_changed(
                    conversation,
                    "customer",
                    claimant_id,
                    owner.pk,
                    actor=actor,
                    reason="identity proven",
                )
            )
        Conversation.objects.filter(pk__in=[c.pk for c in conversations]).update(
            customer=owner, updated_at=now
        )
        publish_on_commit(*published)
        return owner
