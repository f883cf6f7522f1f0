"""/agents/{id}/working-hours and /agents/{id}/absences.

Who may: the agent themself, a lead (Team.lead) of one of the agent's teams, and
administrators. A colleague sharing a team sees that the agent exists, so gets 403; any
other agent gets 404, as for every object outside the caller's scope. Validation is the
actions' (klient.calendars.actions, klient.people.actions): a refused change is a 422.

An agent without working hours of their own works the hours of the first team they
joined that has hours, else calendar time (klient.people.working_time); GET says which
(`source`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from klient.calendars import actions as calendar_actions
from klient.conversations.access import is_admin
from klient.people import actions as people_actions
from klient.people.models import Absence, Team
from klient.people.working_time import agent_hours

from .auth import caller
from .schemas import ErrorOut
from .sla import BusinessHoursIn, hours_fields

router = Router(tags=["agents"])


class WorkingHoursOut(BusinessHoursIn):
    agent: int
    configured: bool = Field(..., description="Whether the agent has hours of their own.")
    source: Literal["agent", "team", "none"] = Field(
        ...,
        description=(
            "Whose hours these are: the agent's own, their first team's with hours "
            "(`team`), or none (calendar time: always working)."
        ),
    )
    team: int | None = None


class SubstituteIn(Schema):
    """Exactly one of the two."""

    agent: int | None = None
    team: int | None = None


class AbsenceIn(Schema):
    starts_at: datetime = Field(..., description="With its time zone, e.g. 2026-12-21T09:00+01:00")
    ends_at: datetime = Field(..., description="After starts_at; the absence is [start, end).")
    reason: str = Field("", max_length=200)
    substitute: SubstituteIn | None = None


class SubstituteOut(Schema):
    agent: int | None = None
    team: int | None = None


class AbsenceOut(Schema):
    id: int
    agent: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    substitute: SubstituteOut | None
    created_by: int | None
    created_at: datetime


class AbsenceList(Schema):
    items: list[AbsenceOut]


class AbsenceParams(Schema):
    past: bool = Field(False, description="Include absences that have ended.")


# -- access ----------------------------------------------------------------------------------


def _agent(request: HttpRequest, agent_id: int) -> Any:
    """The agent `agent_id` if the caller may manage their calendar: themself, a lead of
    one of their teams, an administrator. 403 for a teammate, 404 for anyone else."""
    user = caller(request)
    agent = get_user_model().objects.filter(pk=agent_id, agent__isnull=False).first()
    if agent is None:
        raise Http404("No such agent.")
    if agent.pk == user.pk or is_admin(user):
        return agent
    teams = Team.objects.filter(members=agent)
    if teams.filter(lead=user).exists():
        return agent
    if teams.filter(members=user).exists():
        raise PermissionDenied(
            "Only the agent, their team lead and administrators manage their calendar."
        )
    raise Http404("No such agent.")


# -- working hours ---------------------------------------------------------------------------


def _hours_out(agent: Any) -> dict[str, Any]:
    found = agent_hours(agent)
    return {
        "agent": agent.pk,
        "configured": found.source == "agent",
        "source": found.source,
        "team": found.team_id,
        **hours_fields(found.config),
    }


@router.get(
    "/agents/{id}/working-hours",
    response={200: WorkingHoursOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="An agent's working hours: their own, else their first team's with hours",
)
def get_working_hours(request: HttpRequest, id: int) -> Any:
    return _hours_out(_agent(request, id))


@router.put(
    "/agents/{id}/working-hours",
    response={200: WorkingHoursOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set an agent's own working hours (same shape as a team's business hours)",
)
def put_working_hours(request: HttpRequest, id: int, payload: BusinessHoursIn) -> Any:
    agent = _agent(request, id)
    calendar_actions.save_agent_hours(agent, actor=caller(request), **payload.model_dump())
    return _hours_out(agent)


# -- absences --------------------------------------------------------------------------------


def _absence_out(absence: Absence) -> dict[str, Any]:
    substitute = None
    if absence.substitute_agent_id is not None:
        substitute = {"agent": absence.substitute_agent_id}
    elif absence.substitute_team_id is not None:
        substitute = {"team": absence.substitute_team_id}
    return {
        "id": absence.pk,
        "agent": absence.agent_id,
        "starts_at": absence.starts_at,
        "ends_at": absence.ends_at,
        "reason": absence.reason,
        "substitute": substitute,
        "created_by": absence.created_by_id,
        "created_at": absence.created_at,
    }


def _substitute(given: SubstituteIn | None) -> tuple[Any, Team | None]:
    """(agent, team) named by the payload; ValidationError (422) for an unknown one."""
    if given is None:
        return None, None
    if (given.agent is None) == (given.team is None):
        raise ValidationError(_("Name one substitute: an agent or a team."))
    if given.agent is not None:
        agent = get_user_model().objects.filter(pk=given.agent, agent__isnull=False).first()
        if agent is None:
            raise ValidationError(_("No agent #%s.") % given.agent)
        return agent, None
    team = Team.objects.filter(pk=int(given.team or 0)).first()
    if team is None:
        raise ValidationError(_("No team #%s.") % given.team)
    return None, team


@router.get(
    "/agents/{id}/absences",
    response={200: AbsenceList, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="An agent's current and future absences in start order (past=true: all)",
)
def list_absences(request: HttpRequest, id: int, params: Query[AbsenceParams]) -> Any:
    agent = _agent(request, id)
    absences = Absence.objects.filter(agent=agent)
    if not params.past:
        absences = absences.filter(ends_at__gt=timezone.now())
    return {"items": [_absence_out(a) for a in absences.order_by("starts_at", "id")]}


@router.post(
    "/agents/{id}/absences",
    response={201: AbsenceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record an absence, optionally with a substitute agent or team",
)
def create_absence(request: HttpRequest, id: int, payload: AbsenceIn) -> Any:
    agent = _agent(request, id)
    substitute_agent, substitute_team = _substitute(payload.substitute)
    absence = people_actions.create_absence(
        agent,
        actor=caller(request),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
        substitute_agent=substitute_agent,
        substitute_team=substitute_team,
    )
    return Status(201, _absence_out(absence))


@router.delete(
    "/agents/{id}/absences/{absence_id}",
    response={200: AbsenceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete an absence; answers what was deleted",
)
def delete_absence(request: HttpRequest, id: int, absence_id: int) -> Any:
    agent = _agent(request, id)
    absence = Absence.objects.filter(pk=absence_id, agent=agent).first()
    if absence is None:
        raise Http404("No such absence.")
    gone = _absence_out(absence)
    people_actions.delete_absence(absence, actor=caller(request))
    return gone
