"""/agents/{id}/calendars: an agent's external calendars (CalDAV, ICS feeds) whose busy
times block their bookings (docs/external-calendars.md).

Who may: the agent themself and administrators; anyone else gets 404. The password is
write-only: no answer ever carries it. A URL on a loopback, private or link-local address
is a 422 unless its host is in KLIENT_CALENDAR_ALLOWED_HOSTS.

POST .../sync reads the calendar at once and answers 200 with the refreshed item (its
`last_synced_at` and `last_error` say how it went; a failed read is still a 200, the
failure is the calendar's state), or 409 when a worker is reading it at this moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from klient.external_calendars import actions, sync
from klient.external_calendars.access import access_agent, access_calendar
from klient.external_calendars.models import ExternalCalendar

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["agents"])


class CalendarIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["caldav", "ics"]
    url: str = Field(..., max_length=2000, description="http(s); for CalDAV the calendar's URL.")
    username: str = Field("", max_length=255, description="CalDAV only.")
    password: str = Field("", max_length=1000, description="CalDAV only; never returned.")


class CalendarOut(Schema):
    id: int
    agent: int
    kind: str
    url: str
    username: str
    last_synced_at: datetime | None = Field(..., description="The last sync that succeeded.")
    last_error: str = Field(..., description="Why the last sync failed; empty if it did not.")
    created_at: datetime


class CalendarList(Schema):
    items: list[CalendarOut]


def _out(calendar: ExternalCalendar) -> dict[str, Any]:
    return {
        "id": calendar.pk,
        "agent": calendar.agent_id,
        "kind": calendar.kind,
        "url": calendar.url,
        "username": calendar.username,
        "last_synced_at": calendar.last_synced_at,
        "last_error": calendar.last_error,
        "created_at": calendar.created_at,
    }


@router.get(
    "/agents/{id}/calendars",
    response={200: CalendarList, 401: ErrorOut, 404: ErrorOut},
    summary="An agent's external calendars, with their last sync and last error",
)
def list_calendars(request: HttpRequest, id: int) -> Any:
    agent = access_agent(caller(request), id)
    calendars = ExternalCalendar.objects.filter(agent=agent).order_by("pk")
    return {"items": [_out(c) for c in calendars]}


@router.post(
    "/agents/{id}/calendars",
    response={201: CalendarOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a CalDAV calendar or an ICS feed whose busy times block the agent",
)
def add_calendar(request: HttpRequest, id: int, payload: CalendarIn) -> Any:
    agent = access_agent(caller(request), id)
    calendar = actions.add_calendar(
        agent,
        actor=caller(request),
        kind=payload.kind,
        url=payload.url,
        username=payload.username,
        password=payload.password,
    )
    return Status(201, _out(calendar))


@router.post(
    "/agents/{id}/calendars/{calendar_id}/sync",
    response={200: CalendarOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Read the calendar now; answers the refreshed calendar",
)
def sync_calendar(request: HttpRequest, id: int, calendar_id: int) -> Any:
    calendar = access_calendar(caller(request), id, calendar_id)
    if not sync.sync_now(calendar):
        return Status(409, {"detail": "This calendar is being synced right now; try again."})
    return _out(calendar)


@router.delete(
    "/agents/{id}/calendars/{calendar_id}",
    response={200: CalendarOut, 401: ErrorOut, 404: ErrorOut},
    summary="Remove the calendar and its busy times; answers what was removed",
)
def delete_calendar(request: HttpRequest, id: int, calendar_id: int) -> Any:
    calendar = access_calendar(caller(request), id, calendar_id)
    gone = _out(calendar)
    actions.remove_calendar(calendar, actor=caller(request))
    return gone
