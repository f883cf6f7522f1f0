"""Appointments for agents (/appointments): list, read, cancel and reschedule (an agent
may always override the booking type's limits). Scope: an agent's own and their teams'
booking types' appointments, administrators all; 404 outside. docs/appointments.md has
the contract; the customer's manage link (/b/<token>/) takes the same bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from klient.scheduling import booking, care, changes, queries
from klient.scheduling.models import Appointment

from .auth import caller
from .scheduling import SlotOut
from .schemas import ErrorOut

router = Router(tags=["appointments"])


class AppointmentOut(Schema):
    id: int
    reference: str
    booking_type: str = Field(..., description="The booking type's slug.")
    agent: int
    customer: int | None
    conversation: str | None = Field(..., description="The conversation's reference.")
    state: str
    start: str = Field(..., description="UTC, ISO 8601.")
    end: str
    time_zone: str = Field(..., description="The customer's zone.")
    language: str
    version: int = Field(..., description="Rises on every change (the ICS SEQUENCE + 1).")
    reschedules: int
    cancel_reason: str
    earlier_missed: list[str] = Field(
        ...,
        description="Context for the agent, never a penalty: the reasons (power_cut, illness, "
        "forgot, other; '' when none was given) of the customer's earlier missed "
        "appointments, oldest first.",
    )


class AppointmentsQuery(Schema):
    agent: int | None = Field(None, description="Only this agent's appointments.")
    from_: str | None = Field(
        None, alias="from", description="Starting at or after (date or time)."
    )
    to: str | None = Field(None, description="Starting before (a date: that day included).")


class CancelIn(Schema):
    reason: str = ""


class RescheduleIn(Schema):
    start: datetime = Field(..., description="ISO 8601 with offset, a free slot.")


class TakenOut(Schema):
    detail: str
    alternatives: list[SlotOut]


def appointment_out(a: Appointment, earlier_missed: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": a.pk,
        "reference": a.reference or "",
        "booking_type": a.booking_type.slug,
        "agent": a.agent_id,
        "customer": a.customer_id,
        "conversation": a.conversation.reference if a.conversation else None,
        "state": a.state,
        "start": a.start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "end": a.end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "time_zone": a.time_zone,
        "language": a.language,
        "version": a.version,
        "reschedules": a.reschedules,
        "cancel_reason": a.cancel_reason,
        "earlier_missed": care.earlier_missed(a) if earlier_missed is None else earlier_missed,
    }


def _moment(value: str, name: str, *, end: bool) -> datetime:
    moment = parse_datetime(value) if "T" in value else None
    if moment is None:
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise ValidationError(_("%s: a date (YYYY-MM-DD) or a time with offset.") % name)
        moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        if end:
            moment += timedelta(days=1)  # a date as the end: that day included
    if moment.tzinfo is None:
        raise ValidationError(_("%s: a time with its offset.") % name)
    return moment


@router.get(
    "/appointments",
    response={200: list[AppointmentOut], 401: ErrorOut, 422: ErrorOut},
    summary="Appointments I see: my own and my teams' (administrators: all)",
)
def list_appointments(request: HttpRequest, query: Query[AppointmentsQuery]) -> Any:
    rows = queries.visible_appointments(caller(request))
    if query.agent is not None:
        rows = rows.filter(agent_id=query.agent)
    if query.from_:
        rows = rows.filter(start__gte=_moment(query.from_, "from", end=False))
    if query.to:
        rows = rows.filter(start__lt=_moment(query.to, "to", end=True))
    page = list(rows[:1000])
    earlier = care.earlier_missed_of(page)
    return [appointment_out(a, earlier[a.pk]) for a in page]


@router.get("/appointments/{int:id}", response={200: AppointmentOut, 401: ErrorOut, 404: ErrorOut})
def get_appointment(request: HttpRequest, id: int) -> Any:
    return appointment_out(queries.visible_appointment(caller(request), id))


WRITE = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/appointments/{int:id}/cancel", response={200: AppointmentOut, **WRITE})
def cancel_appointment(request: HttpRequest, id: int, payload: CancelIn) -> Any:
    user = caller(request)
    appointment = queries.visible_appointment(user, id)
    return appointment_out(changes.cancel(appointment, reason=payload.reason, actor=user))


@router.post(
    "/appointments/{int:id}/reschedule", response={200: AppointmentOut, 409: TakenOut, **WRITE}
)
def reschedule_appointment(request: HttpRequest, id: int, payload: RescheduleIn) -> Any:
    user = caller(request)
    appointment = queries.visible_appointment(user, id)
    try:
        moved = changes.reschedule(appointment, start=payload.start, actor=user)
    except booking.SlotTaken as taken:
        zone = payload.start.tzinfo or UTC
        return Status(
            409,
            {
                "detail": _("This time is not free; here are the next free times."),
                "alternatives": [
                    {"start": a.astimezone(zone).isoformat(), "end": b.astimezone(zone).isoformat()}
                    for a, b in taken.alternatives
                ],
            },
        )
    return appointment_out(moved)
