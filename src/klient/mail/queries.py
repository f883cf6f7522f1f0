"""Reads of the mail domain for the administrators' pages: the quarantine and what was
discarded from it, with who discarded it."""

from __future__ import annotations

from collections.abc import Iterable
from email import policy
from email.parser import BytesHeaderParser

from django.db.models import QuerySet

from klient.core import blobs, work
from klient.core.models import Event

from . import parsing
from .actions import INBOUND_WORK
from .events import Kind
from .models import ImapMailbox, InboundMail
from .parsing import RecognisedHeaders

SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID")


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


def headers_of(inbound: InboundMail) -> list[tuple[str, str]]:
    """The headers an administrator recognises a mail by, as far as they can be read (a
    quarantined mail may be anything: the page shows what parses)."""
    try:
        raw = blobs.load(inbound.raw_blob)
    except (FileNotFoundError, ValueError):
        return []
    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        found = []
        for name in SHOWN_HEADERS:
            value = message.get(name)
            if value is not None:
                found.append((name, str(value)[:1000]))
        return found
    except Exception:  # a header no parser can read is still shown in the raw source
        return []


def recognised_headers(inbound: InboundMail) -> RecognisedHeaders:
    """Message-ID, From and Subject of a quarantined mail, read from its raw bytes (what
    could not be read is ""): the list shows which mail each item is."""
    try:
        raw = blobs.load(inbound.raw_blob)
    except (FileNotFoundError, ValueError):
        return RecognisedHeaders("", "", "")
    return parsing.recognised_headers(raw)


def with_recognised_headers(rows: Iterable[InboundMail]) -> list[InboundMail]:
    """The rows, each with `recognised` (RecognisedHeaders) for the page to show."""
    found = list(rows)
    for inbound in found:
        inbound.recognised = recognised_headers(inbound)  # type: ignore[attr-defined]
    return found


def history(inbound: InboundMail) -> list[Event]:
    """Quarantined, retried, discarded: the audit log of one inbound mail, oldest first,
    each event with its kind's `label`."""
    kinds = (Kind.QUARANTINED, Kind.RETRIED, Kind.DISCARDED)
    events = list(
        Event.objects.filter(kind__in=kinds, data__inbound=inbound.pk)
        .select_related("actor")
        .order_by("at", "id")
    )
    for event in events:
        event.label = Kind(event.kind).label  # type: ignore[attr-defined]
    return events
