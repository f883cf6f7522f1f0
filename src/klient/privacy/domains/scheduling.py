"""A customer's appointments (klient.scheduling): the answers they gave when booking are
personal and erased, and the appointment no longer names them; its agent, times, state and
booking type stay, so an agent's calendar and the volume figures keep their history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from klient.scheduling.models import Appointment

from ..records import add, record
from ..scope import Scope


def _appointments(scope: Scope) -> Any:
    mine = Q(conversation_id__in=scope.conversation_ids)
    if scope.customer is not None:
        mine |= Q(customer=scope.customer)
    return Appointment.objects.filter(mine).order_by("id")


def export(scope: Scope) -> dict[str, Any]:
    return {
        "appointments": [
            record(
                a,
                "booking_type",
                "agent",
                "conversation",
                "start",
                "end",
                "state",
                "reference",
                "time_zone",
                "answers",
                "created_at",
            )
            for a in _appointments(scope)
        ]
    }


def _unerased(scope: Scope) -> Any:
    return _appointments(scope).filter(~Q(answers={}) | ~Q(time_zone=""))


def preview(scope: Scope) -> dict[str, int]:
    return {"appointments": _unerased(scope).count()}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    add(counts, "appointments", _unerased(scope).update(answers={}, time_zone=""))
