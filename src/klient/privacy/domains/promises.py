"""Promises made in a customer's conversations (klient.promises): the quote is a sentence
of a reply to the customer, so it is exported and erased like the reply's text; the due
time, state and whom it counts for stay, so the promises report reads the same after."""

from __future__ import annotations

from typing import Any

from klient.promises.models import Promise

from ..records import add, record
from ..scope import Scope

ERASED = ""


def _promises(scope: Scope) -> Any:
    return Promise.objects.filter(conversation_id__in=scope.conversation_ids).order_by("id")


def export(scope: Scope) -> dict[str, Any]:
    return {
        "promises": [
            record(p, "conversation", "message", "quote", "due_at", "time_zone", "state")
            for p in _promises(scope)
        ]
    }


def _unerased(scope: Scope) -> Any:
    return _promises(scope).exclude(quote=ERASED)


def preview(scope: Scope) -> dict[str, int]:
    return {"promises": _unerased(scope).count()}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    add(counts, "promises", _unerased(scope).update(quote=ERASED))
