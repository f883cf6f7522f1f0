"""Agents asking colleagues about a customer's conversation (klient.collab): what they
asked and answered quotes the customer, so it is emptied; who asked whom and when stays."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from klient.collab.models import ColleagueRequest

from ..records import add, record
from ..scope import Scope


def _requests(scope: Scope) -> Any:
    return ColleagueRequest.objects.filter(conversation_id__in=scope.conversation_ids).order_by(
        "id"
    )


def export(scope: Scope) -> dict[str, Any]:
    return {
        "colleague_requests": [
            record(r, "conversation", "question", "answer", "state", "created_at")
            for r in _requests(scope)
        ]
    }


def _unerased(scope: Scope) -> Any:
    return _requests(scope).filter(~Q(question="") | ~Q(answer=""))


def preview(scope: Scope) -> dict[str, int]:
    return {"colleague_requests": _unerased(scope).count()}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    add(counts, "colleague_requests", _unerased(scope).update(question="", answer=""))
