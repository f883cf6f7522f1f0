"""/agents: the desk's agents, their invitation, profile, teams and API tokens.

Administrators list, invite and change agents. Any agent may read and change their own
profile (name, language, time_zone, signature: people.access.SELF_SERVICE_FIELDS) and get
API tokens for themself; another field of their own is a 403, and another agent is a 404,
as for every object outside the caller's scope. Teams are given by id or name. A refused
value (an unknown language code, a time zone that does not exist, an address in use) is
a 422 whose detail says which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ValidationError as PydanticValidationError

from klient.people import admin_actions
from klient.people.access import check_may_change_agent, is_admin
from klient.people.actions import DEFAULT_TIME_ZONE
from klient.people.queries import teams_by_ref

from .auth import caller
from .schemas import ErrorOut, TeamRef

router = Router(tags=["agents"])

LANGUAGE_HELP = "The UI and notification language (en, fr, pl, de, uk; empty: the browser's)."
LANGUAGES_HELP = 'Languages spoken with customers, for routing, e.g. ["pl", "en"].'
TEAMS_HELP = "Teams by id or name."


class AgentOut(Schema):
    id: int
    email: str
    name: str
    language: str = Field(..., description=LANGUAGE_HELP)
    languages: list[str] = Field(..., description=LANGUAGES_HELP)
    time_zone: str
    signature: str
    teams: list[TeamRef]
    lead_of: list[TeamRef] = Field(..., description="The teams this agent leads.")
    is_admin: bool
    active: bool
    password_set: bool = Field(..., description="False until an invited agent chooses one.")
    last_login: datetime | None
    created_at: datetime


class AgentList(Schema):
    items: list[AgentOut]


class AgentIn(Schema):
    """An invitation: the agent gets an email with a link to choose their password."""

    email: str
    name: str = ""
    language: str = Field("", description=LANGUAGE_HELP)
    languages: list[str] = Field([], description=LANGUAGES_HELP)
    time_zone: str = DEFAULT_TIME_ZONE
    teams: list[int | str] = Field([], description=TEAMS_HELP)
    is_admin: bool = False


class AgentPatch(Schema):
    """Only the fields given change; `teams` is the whole list. `active: false`
    deactivates the agent (history kept, tokens and sessions ended)."""

    email: str | None = None
    name: str | None = None
    language: str | None = Field(None, description=LANGUAGE_HELP)
    languages: list[str] | None = Field(None, description=LANGUAGES_HELP)
    time_zone: str | None = None
    signature: str | None = None
    teams: list[int | str] | None = Field(None, description=TEAMS_HELP)
    is_admin: bool | None = None
    active: bool | None = None


class TokenIn(Schema):
    """Optional: a label to recognise the token by."""

    label: str = Field("", max_length=100)


class TokenOut(Schema):
    token: str = Field(..., description="Shown once: only its hash is kept.")


def agent_rows() -> QuerySet[Any]:
    """Agents with what AgentOut shows, in three queries for any number of them."""
    return (
        get_user_model()
        .objects.filter(agent__isnull=False)
        .select_related("agent")
        .prefetch_related("teams", "led_teams")
        .order_by("first_name", "last_name", "username")
    )


def agent_out(user: Any) -> dict[str, Any]:
    profile = user.agent
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.get_full_name(),
        "language": profile.language,
        "languages": list(profile.languages or []),
        "time_zone": profile.time_zone,
        "signature": profile.signature,
        "teams": [{"id": t.pk, "name": t.name} for t in sorted(user.teams.all(), key=_name)],
        "lead_of": [{"id": t.pk, "name": t.name} for t in sorted(user.led_teams.all(), key=_name)],
        "is_admin": bool(user.is_staff or user.is_superuser),
        "active": user.is_active,
        "password_set": user.has_usable_password(),
        "last_login": user.last_login,
        "created_at": user.date_joined,
    }


def _name(team: Any) -> str:
    return str(team.name).lower()


def _admin(request: HttpRequest) -> Any:
    user = caller(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can manage agents."))
    return user


def _agent(request: HttpRequest, agent_id: int) -> Any:
    """The agent, for themself or an administrator; 404 for anyone else and unknown ids."""
    user = caller(request)
    agent = agent_rows().filter(pk=agent_id).first()
    if agent is None or not (agent.pk == user.pk or is_admin(user)):
        raise Http404(_("No such agent."))
    return agent


def _teams(refs: list[int | str]) -> list[Any]:
    found, unknown = teams_by_ref(refs)
    if unknown:
        raise ValidationError(
            {"teams": _("No such team: %(teams)s.") % {"teams": ", ".join(unknown)}}
        )
    return found


@router.get(
    "/agents",
    response={200: AgentList, 401: ErrorOut, 403: ErrorOut},
    summary="List every agent, active or not (administrators)",
)
def list_agents(request: HttpRequest) -> Any:
    _admin(request)
    return {"items": [agent_out(user) for user in agent_rows()]}


@router.post(
    "/agents",
    response={201: AgentOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Invite an agent: they get an email with a link to choose their password",
)
def invite_agent(request: HttpRequest, payload: AgentIn) -> Any:
    actor = _admin(request)
    fields = payload.model_dump()
    fields["teams"] = _teams(fields["teams"])
    user = admin_actions.invite_agent(fields.pop("email"), actor=actor, **fields)
    return Status(201, agent_out(agent_rows().get(pk=user.pk)))


@router.get(
    "/agents/{id}",
    response={200: AgentOut, 401: ErrorOut, 404: ErrorOut},
    summary="One agent (yourself, or anyone for administrators)",
)
def get_agent(request: HttpRequest, id: int) -> Any:
    return agent_out(_agent(request, id))


@router.patch(
    "/agents/{id}",
    response={200: AgentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change an agent; yourself: name, language, time_zone, signature",
)
def update_agent(request: HttpRequest, id: int, payload: AgentPatch) -> Any:
    agent = _agent(request, id)
    changes = payload.model_dump(exclude_unset=True)
    check_may_change_agent(caller(request), agent, changes)
    for field, value in changes.items():
        if value is None:
            raise ValidationError({field: _("%(field)s cannot be null.") % {"field": field}})
    if "teams" in changes:
        changes["teams"] = _teams(changes["teams"])
    admin_actions.update_agent(agent, actor=caller(request), **changes)
    return agent_out(agent_rows().get(pk=agent.pk))


@router.post(
    "/agents/{id}/tokens",
    response={201: TokenOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A new API token for an agent (yourself, or anyone for administrators)",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": TokenIn.model_json_schema()}},
        }
    },
)
def issue_token(request: HttpRequest, id: int) -> Any:
    agent = _agent(request, id)
    return Status(
        201,
        {"token": admin_actions.issue_token(agent, actor=caller(request), label=_label(request))},
    )


def _label(request: HttpRequest) -> str:
    """The optional body's label: no body (or a form post without one) is no label."""
    if not request.body or not (request.content_type or "").endswith("json"):
        return ""
    try:
        return TokenIn.model_validate_json(request.body).label
    except PydanticValidationError as exc:
        raise ValidationError({"label": str(exc.errors()[0].get("msg", "invalid"))}) from None
