"""Booking types (/booking-types, agents and administrators), their free slots
(/booking-types/{slug}/slots, public: no token) and booking one (/bookings, public).
docs/scheduling.md has the contract.

A booking type by id outside the caller's sight is 404; one they see but may not change
(a team's type, for an agent who is not an administrator) is 403. Refused values are 422
with every problem in `detail`. The public slots answer 422 for a bad zone or dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from klient.scheduling import actions, booking, queries
from klient.scheduling.models import BookingType

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["scheduling"])


class QuestionSchema(Schema):
    label: str = Field(..., description="What the customer is asked when booking.")
    required: bool = Field(False, description="Whether the booking needs an answer.")


class ReminderSchema(Schema):
    before_minutes: int = Field(..., description="How long before the start, e.g. 1440.")
    channel: Literal["email", "sms"]


class BookingTypeIn(Schema):
    name: str | None = None
    slug: str | None = Field(None, description="In the booking link: a-z, 0-9 and hyphens.")
    agent: int | None = Field(None, description="The agent's id (or give team).")
    team: int | None = Field(None, description="The team's id: any free member (or agent).")
    kind: Literal["video", "phone", "in_person"] | None = None
    location: str | None = Field(None, description="Video link, phone number or address.")
    duration_minutes: int | None = None
    buffer_before_minutes: int | None = None
    buffer_after_minutes: int | None = None
    minimum_notice_minutes: int | None = None
    horizon_days: int | None = None
    step_minutes: int | None = None
    max_per_day: int | None = Field(None, description="Per agent and local day; null: none.")
    questions: list[QuestionSchema] | None = None
    cancel_notice_minutes: int | None = None
    max_reschedules: int | None = None
    reminders: list[ReminderSchema] | None = None


class BookingTypeOut(Schema):
    id: int
    name: str
    slug: str
    agent: int | None
    team: int | None
    kind: str
    location: str
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    minimum_notice_minutes: int
    horizon_days: int
    step_minutes: int
    max_per_day: int | None
    questions: list[QuestionSchema]
    cancel_notice_minutes: int
    max_reschedules: int
    reminders: list[ReminderSchema]
    editable: bool = Field(..., description="Whether the caller may change it.")


def _out(booking_type: BookingType, user: Any) -> dict[str, Any]:
    return {
        "id": booking_type.pk,
        **actions.current_fields(booking_type),
        "editable": actions.may_edit(user, booking_type),
    }


def _given(payload: BookingTypeIn) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/booking-types",
    response={200: list[BookingTypeOut], 401: ErrorOut},
    summary="Booking types I see: my own and my teams' (administrators: all)",
)
def list_booking_types(request: HttpRequest) -> Any:
    user = caller(request)
    return [_out(t, user) for t in queries.visible_booking_types(user)]


@router.post(
    "/booking-types",
    response={201: BookingTypeOut, **WRITE},
    summary="Create a booking type (an agent: for themself; administrators: any)",
)
def create_booking_type(request: HttpRequest, payload: BookingTypeIn) -> Any:
    user = caller(request)
    booking_type = actions.create_booking_type(actor=user, **_given(payload))
    return Status(201, _out(booking_type, user))


@router.get("/booking-types/{int:id}", response={200: BookingTypeOut, 401: ErrorOut, 404: ErrorOut})
def get_booking_type(request: HttpRequest, id: int) -> Any:
    user = caller(request)
    return _out(queries.visible_booking_type(user, id), user)


@router.patch("/booking-types/{int:id}", response={200: BookingTypeOut, **WRITE})
def update_booking_type(request: HttpRequest, id: int, payload: BookingTypeIn) -> Any:
    user = caller(request)
    booking_type = queries.visible_booking_type(user, id)
    return _out(actions.update_booking_type(booking_type, actor=user, **_given(payload)), user)


@router.delete("/booking-types/{int:id}", response={204: None, **WRITE})
def delete_booking_type(request: HttpRequest, id: int) -> Any:
    user = caller(request)
    actions.delete_booking_type(queries.visible_booking_type(user, id), actor=user)
    return Status(204, None)


# -- public: free slots --------------------------------------------------------------------


class SlotsQuery(Schema):
    from_: str = Field(..., alias="from", description="First date, YYYY-MM-DD, in time_zone.")
    to: str = Field(..., description="Last date (included), YYYY-MM-DD, in time_zone.")
    time_zone: str = Field("UTC", description="IANA zone, e.g. America/New_York.")


class SlotOut(Schema):
    start: str
    end: str


class SlotsOut(Schema):
    time_zone: str
    slots: list[SlotOut]


def _day(value: str, name: str) -> date:
    try:
        if len(value) != 10:  # fromisoformat would also take 20270328
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("%s: a date, YYYY-MM-DD.") % name) from None


def _midnight(day: date, zone: Any) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@router.get(
    "/booking-types/{slug}/slots",
    response={200: SlotsOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Free slots of a booking type (public, no token)",
)
def booking_type_slots(request: HttpRequest, slug: str, query: Query[SlotsQuery]) -> Any:
    zone = queries.zone_named(query.time_zone)
    if zone is None:
        raise ValidationError(_("time_zone: an IANA time zone such as Europe/Kyiv."))
    first, last = _day(query.from_, "from"), _day(query.to, "to")
    if last < first:
        raise ValidationError(_("to: on or after from."))
    if (last - first).days >= queries.MAX_WINDOW_DAYS:
        raise ValidationError(_("At most %d days at once.") % queries.MAX_WINDOW_DAYS)
    booking_type = queries.bookable(slug)
    start = _midnight(first, zone)
    end = _midnight(last + timedelta(days=1), zone)
    slots = queries.free_slots(booking_type, start, end)
    return {
        "time_zone": query.time_zone,
        "slots": [
            {"start": a.astimezone(zone).isoformat(), "end": b.astimezone(zone).isoformat()}
            for a, b in slots
        ],
    }


# -- public: booking -----------------------------------------------------------------------


class BookingIn(Schema):
    booking_type: str = Field(..., description="The booking type's slug.")
    start: datetime = Field(..., description="ISO 8601 with offset, one of the free slots.")
    name: str
    email: str
    phone: str = ""
    language: str = Field("", description="en, fr, pl, de or uk.")
    time_zone: str = Field(..., description="The customer's IANA zone.")
    answers: dict[str, str] = Field({}, description="Question label -> answer.")


class BookingOut(Schema):
    id: int
    reference: str
    start: str
    end: str
    manage_url: str


class TakenOut(Schema):
    detail: str
    alternatives: list[SlotOut]


@router.post(
    "/bookings",
    response={201: BookingOut, 404: ErrorOut, 409: TakenOut, 422: ErrorOut},
    auth=None,
    summary="Book a free slot (public, no token)",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    booking_type = queries.bookable(payload.booking_type)
    zone = queries.zone_named(payload.time_zone) or UTC
    try:
        made = booking.book(
            booking_type,
            start=payload.start,
            name=payload.name,
            email=payload.email,
            phone=payload.phone,
            language=payload.language,
            time_zone=payload.time_zone,
            answers=payload.answers,
        )
    except booking.SlotTaken as taken:
        return Status(
            409,
            {
                "detail": _("This time is no longer free; here are the next free times."),
                "alternatives": [
                    {"start": a.astimezone(zone).isoformat(), "end": b.astimezone(zone).isoformat()}
                    for a, b in taken.alternatives
                ],
            },
        )
    appointment = made.appointment
    return Status(
        201,
        {
            "id": appointment.pk,
            "reference": appointment.reference,
            "start": appointment.start.astimezone(zone).isoformat(),
            "end": appointment.end.astimezone(zone).isoformat(),
            "manage_url": request.build_absolute_uri(f"/b/{made.manage_token}/"),
        },
    )
