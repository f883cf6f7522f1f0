"""Satisfaction surveys about a customer's conversations (klient.surveys): the address a
survey went to and the comment are personal and erased; the rating, its time and whom it
counts for stay, so the CSAT report reads the same after an erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from klient.surveys.models import Survey

from ..records import add, record
from ..scope import Scope


def _surveys(scope: Scope) -> Any:
    return Survey.objects.filter(conversation_id__in=scope.conversation_ids).order_by("id")


def export(scope: Scope) -> dict[str, Any]:
    return {
        "surveys": [
            record(
                s,
                "conversation",
                "state",
                "scale",
                "email",
                "language",
                "sent_at",
                "rating",
                "comment",
                "answered_at",
                "changed_at",
            )
            for s in _surveys(scope)
        ]
    }


def _unerased(scope: Scope) -> Any:
    return _surveys(scope).filter(~Q(email="") | ~Q(comment=""))


def preview(scope: Scope) -> dict[str, int]:
    return {"surveys": _unerased(scope).count()}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    add(counts, "surveys", _unerased(scope).update(email="", comment=""))
