"""When an appointment goes wrong, for agents: "I lost connection"
(/appointments/{id}/lost-connection: their customer is told by email and SMS) and a
missed meeting (/appointments/{id}/missed). docs/scheduling-care.md has the contract.

Scope: an administrator any appointment; an agent their own and their teams' (the booking
type's team or the conversation's). Anything else is 404, as if it did not exist."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from klient.scheduling import care
from klient.scheduling.scope import visible_appointment

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["scheduling"])


class CareOut(Schema):
    id: int
    reference: str | None
    state: str
    version: int
    earlier_missed: list[str] = Field(
        ..., description="Reasons of the customer's earlier missed appointments ('' if none)."
    )


class MissedIn(Schema):
    party: Literal["customer", "agent"]
    reason: Literal["power_cut", "illness", "forgot", "other"] | None = None


def _out(appointment: Any) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "reference": appointment.reference,
        "state": appointment.state,
        "version": appointment.version,
        "earlier_missed": care.earlier_missed(appointment),
    }


@router.post(
    "/appointments/{int:id}/lost-connection",
    response={200: CareOut, 401: ErrorOut, 404: ErrorOut},
)
def appointment_lost_connection(request: HttpRequest, id: int) -> Any:
    user = caller(request)
    appointment = visible_appointment(user, id)
    care.lost_connection(appointment, side=care.AGENT, actor=user)
    return _out(appointment)


@router.post(
    "/appointments/{int:id}/missed",
    response={200: CareOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def appointment_missed(request: HttpRequest, id: int, payload: MissedIn) -> Any:
    user = caller(request)
    appointment = visible_appointment(user, id)
    care.mark_missed(appointment, party=payload.party, reason=payload.reason or "", actor=user)
    return _out(appointment)
