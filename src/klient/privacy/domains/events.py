"""The audit log: the events of a customer's conversations, and events elsewhere that
quote what is erased (a quarantined mail's reason naming its sender).

Events are only ever appended; an erasure is the one change to them it allows: strings
that quote the erased values are emptied in their data and actor label (the sender's
address on "message.received"). Kinds, times, actors and ids stay, so the timeline, SLA
history and reports read from events keep their figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from klient.core.models import Event

from ..quoting import candidates
from ..records import add, record
from ..scope import Scope
from ..scrub import scrub


def _own(scope: Scope) -> Any:
    return Event.objects.filter(conversation_id__in=scope.conversation_ids).order_by("at", "id")


def _rows(scope: Scope) -> list[Event]:
    ids = set(_own(scope).values_list("pk", flat=True))
    # Elsewhere, only who they are is looked for in SQL (a quarantined mail's reason
    # naming its sender); their conversations' own events are scrubbed of everything.
    ids |= candidates(
        Event, Q(conversation=None), scope.identifiers, text=["actor_label"], json=["data"]
    )
    return list(Event.objects.filter(pk__in=ids).order_by("id"))


def _changed(scope: Scope) -> list[Event]:
    changed = []
    for event in _rows(scope):
        data, label = scrub(event.data, scope.found), scrub(event.actor_label, scope.found)
        if (data, label) != (event.data, event.actor_label):
            event.data, event.actor_label = data, label
            changed.append(event)
    return changed


def export(scope: Scope) -> dict[str, Any]:
    about = Q(conversation_id__in=scope.conversation_ids)
    if scope.customer is not None:
        about |= Q(data__customer=scope.customer.pk)
    return {
        "events": [
            record(e, "conversation", "kind", "actor", "actor_label", "data", "at")
            for e in Event.objects.filter(about).order_by("at", "id")
        ]
    }


def preview(scope: Scope) -> dict[str, int]:
    return {"events": len(_changed(scope))}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    changed = _changed(scope)
    Event.objects.bulk_update(changed, ["data", "actor_label"], batch_size=500)
    add(counts, "events", len(changed))
