"""Reads of the mail domain for the administrators' pages: the quarantine and what was
discarded from it, with who discarded it."""

from __future__ import annotations

from django.db.models import QuerySet

from klient.core import work

from .actions import INBOUND_WORK
from .models import ImapMailbox, InboundMail


def quarantined_mail() -> QuerySet[InboundMail]:
    """Mail given up as durable work (core.work.given_up), newest first."""
    return work.given_up(INBOUND_WORK).select_related("team").order_by("-received_at", "-id")


def discarded_mail() -> QuerySet[InboundMail]:
    return (
        InboundMail.objects.filter(state=InboundMail.State.DISCARDED)
        .select_related("team", "discarded_by")
        .order_by("-discarded_at", "-id")
    )


def inbound_for_review(inbound_id: int) -> InboundMail:
    """A quarantined or discarded mail (InboundMail.DoesNotExist for any other)."""
    states = (InboundMail.State.QUARANTINED, InboundMail.State.DISCARDED)
    return InboundMail.objects.select_related("team", "discarded_by").get(
        pk=inbound_id, state__in=states
    )


def mailboxes() -> QuerySet[ImapMailbox]:
    return ImapMailbox.objects.select_related("team").order_by("team__name", "host", "username")
