"""Other people's conversations where the customer was only in copy: her address among a
message's To or Cc, or as a participant who may write into it.

Those conversations are not hers: what their customer wrote stays, and the export does not
carry it (it is someone else's data). Only her address goes: it is taken out of the To and
Cc lists, and her participant rows are deleted, so nothing there names her any more. A
retention rule (no customer) has nothing to do here."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from klient.conversations.models import Message, Participant

from ..records import add
from ..scope import Scope


def _participants(scope: Scope) -> Any:
    return Participant.objects.filter(address__in=scope.addresses).exclude(
        conversation_id__in=scope.conversation_ids
    )


def _copied(scope: Scope) -> list[Message]:
    """Messages of other conversations with one of her addresses in To or Cc. The lists
    hold lower-cased addresses; the text search narrows, the exact test decides."""
    if scope.customer is None or not scope.addresses:
        return []
    wanted = set(scope.addresses)
    narrow = reduce(or_, (Q(to__icontains=a) | Q(cc__icontains=a) for a in scope.addresses))
    return [
        message
        for message in Message.objects.filter(narrow)
        .exclude(conversation_id__in=scope.conversation_ids)
        .only("pk", "conversation_id", "to", "cc")
        .order_by("pk")
        if wanted & {*message.to, *message.cc}
    ]


def export(scope: Scope) -> dict[str, Any]:
    if scope.customer is None:
        return {}
    wanted = set(scope.addresses)
    copies = [
        {
            "conversation": message.conversation_id,
            "message": message.pk,
            "as": [name for name in ("to", "cc") if wanted & set(getattr(message, name))],
        }
        for message in _copied(scope)
    ]
    copies += [
        {"conversation": p.conversation_id, "message": None, "as": ["participant"]}
        for p in _participants(scope).order_by("pk")
    ]
    return {"copies": copies}


def preview(scope: Scope) -> dict[str, int]:
    if scope.customer is None:
        return {}
    return {"copies": len(_copied(scope)) + _participants(scope).count()}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    if scope.customer is None:
        return
    wanted = set(scope.addresses)
    messages = _copied(scope)
    for message in messages:
        message.to = [a for a in message.to if a not in wanted]
        message.cc = [a for a in message.cc if a not in wanted]
    Message.objects.bulk_update(messages, ["to", "cc"], batch_size=500)
    add(counts, "copies", len(messages) + _participants(scope).delete()[0])
