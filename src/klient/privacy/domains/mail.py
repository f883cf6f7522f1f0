"""Raw mail: the inbound rows and raw files of a customer's messages, and the quarantine
(and discarded) items sent from their addresses, told by the envelope sender or the From
header of the raw mail.

Erasing deletes those inbound rows and their raw files (klient.privacy.blob_files): a
quarantined item of an erased customer must not be retried into a new conversation, nor
listed. The messages' tombstones keep their Message-IDs, so the same mail delivered again
is a duplicate, never stored anew."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from klient.mail.models import InboundMail
from klient.mail.queries import recognised_headers
from klient.people.identities import normalise_email

from ..blob_files import release
from ..records import add, record
from ..scope import Scope

UNSTORED = (InboundMail.State.QUARANTINED, InboundMail.State.DISCARDED)


def _stored(scope: Scope) -> list[InboundMail]:
    return list(
        InboundMail.objects.filter(message__conversation_id__in=scope.conversation_ids).order_by(
            "id"
        )
    )


def _sender(inbound: InboundMail) -> str:
    return normalise_email(parseaddr(recognised_headers(inbound).from_header)[1])


def quarantined(scope: Scope) -> list[InboundMail]:
    """Quarantined or discarded mail from one of the customer's addresses."""
    if not scope.addresses:
        return []
    addresses = set(scope.addresses)
    return [
        inbound
        for inbound in InboundMail.objects.filter(state__in=UNSTORED, message=None).order_by("id")
        if normalise_email(inbound.envelope_from) in addresses or _sender(inbound) in addresses
    ]


def _raw_path(inbound: InboundMail) -> str:
    return f"mail/{inbound.pk}.eml"


def export(scope: Scope) -> dict[str, Any]:
    fields = ("source", "state", "received_at", "envelope_from", "envelope_to", "team", "reason",
              "message", "discard_reason", "discarded_at")  # fmt: skip
    rows = []
    for inbound in _stored(scope) + quarantined(scope):
        row = record(inbound, *fields)
        row["raw"] = _raw_path(inbound)
        rows.append(row)
    return {"inbound_mail": rows}


def files(scope: Scope) -> list[tuple[str, str]]:
    return [(_raw_path(i), i.raw_blob) for i in _stored(scope) + quarantined(scope)]


def preview(scope: Scope) -> dict[str, int]:
    raw = {m.raw_blob for m in scope.messages() if m.raw_blob}
    return {
        "inbound_mail": len(_stored(scope)),
        "quarantined_mail": len(quarantined(scope)),
        "raw_mail_files": len(raw | {i.raw_blob for i in _stored(scope) + quarantined(scope)}),
    }


def erase(scope: Scope, counts: dict[str, int]) -> None:
    stored, held = _stored(scope), quarantined(scope)
    digests = {m.raw_blob for m in scope.messages() if m.raw_blob}
    digests |= {i.raw_blob for i in stored + held}
    InboundMail.objects.filter(pk__in=[i.pk for i in stored + held]).delete()
    add(counts, "inbound_mail", len(stored))
    add(counts, "quarantined_mail", len(held))
    add(counts, "raw_mail_files", release(digests))
