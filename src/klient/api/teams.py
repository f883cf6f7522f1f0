"""/teams: the desk's teams, their email addresses, members and lead (administrators).

A team is named in the path by its id or its name (klient.people.queries.team_by_ref).
Listing and creating answer 403 to an agent who is not an administrator; a team by id or
name answers 403 to its own members (they know it exists) and 404 to everyone else, as an
unknown team, like every object outside the caller's scope.
A refused change (a duplicate address, an unknown member) is a 422 whose detail says
which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from klient.chat import actions as chat_actions
from klient.chat import queries as chat_queries
from klient.people import admin_actions
from klient.people.access import check_administrator, is_admin, is_member
from klient.people.models import Endpoint, Team
from klient.people.queries import agents_by_id, team_by_ref

from .auth import caller
from .schemas import AgentRef, ErrorOut
from .serializers import agent_ref

router = Router(tags=["teams"])


class TeamOut(Schema):
    id: int
    name: str
    addresses: list[str] = Field(
        ..., description="Its email addresses; the first is the primary one (replies' From)."
    )
    members: list[AgentRef]
    lead: AgentRef | None
    acknowledge: bool = Field(..., description="Acknowledge a customer's first message.")
    signature: str
    phone_numbers: list[str] = Field(
        ..., description="Its phone endpoints (E.164): calls to them come to this team."
    )
    chat_allowed_origins: list[str] = Field(
        ..., description="Sites (scheme://host[:port]) its chat widget may be used on."
    )
    created_at: datetime


class TeamList(Schema):
    items: list[TeamOut]


class TeamIn(Schema):
    name: str
    addresses: list[str] = Field(..., description="The primary address first.")
    members: list[int] = Field([], description="Agent ids.")
    lead: int | None = Field(None, description="An agent id.")
    acknowledge: bool = False
    signature: str = ""


class TeamPatch(Schema):
    """Only the fields given change; `addresses` and `members` are whole lists."""

    name: str | None = None
    addresses: list[str] | None = Field(None, description="The primary address first.")
    members: list[int] | None = Field(None, description="Agent ids.")
    lead: int | None = Field(None, description="An agent id, or null for none.")
    acknowledge: bool | None = None
    signature: str | None = None
    phone_numbers: list[str] | None = Field(
        None, description="The whole list of its phone numbers, E.164 or national."
    )
    chat_allowed_origins: list[str] | None = Field(
        None,
        description=(
            "The whole list of sites (scheme://host[:port]) its chat widget may be used on;"
            " KLIENT_BASE_URL's origin is always allowed."
        ),
    )


def _admin(request: HttpRequest) -> Any:
    user = caller(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can manage teams."))
    return user


def team_rows() -> QuerySet[Team]:
    """Teams with what TeamOut shows, in five queries for any number of them."""
    return (
        Team.objects.select_related("lead", "chat_origins")
        .prefetch_related(
            "members",
            Prefetch(
                "endpoints",
                queryset=Endpoint.objects.filter(kind=Endpoint.Kind.EMAIL).order_by("value"),
                to_attr="email_endpoints",
            ),
            Prefetch(
                "endpoints",
                queryset=Endpoint.objects.filter(kind=Endpoint.Kind.PHONE).order_by("value"),
                to_attr="phone_endpoints",
            ),
        )
        .order_by("name")
    )


def team_out(team: Team) -> dict[str, Any]:
    primary = team.inbound_address.lower()
    others = [e.value for e in team.email_endpoints if e.value != primary]  # type: ignore[attr-defined]
    members = sorted(team.members.all(), key=lambda u: (u.get_full_name() or u.username).lower())
    return {
        "id": team.pk,
        "name": team.name,
        "addresses": [primary, *others],
        "members": [agent_ref(user) for user in members],
        "lead": agent_ref(team.lead),
        "acknowledge": team.acknowledge,
        "signature": team.signature,
        "phone_numbers": [e.value for e in team.phone_endpoints],  # type: ignore[attr-defined]
        "chat_allowed_origins": chat_queries.origins_of(team),
        "created_at": team.created_at,
    }


def _agents(ids: list[int], field: str) -> list[Any]:
    found, unknown = agents_by_id(ids)
    if unknown:
        raise ValidationError(
            {field: _("No agent with the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}}
        )
    return found


def _changes(given: dict[str, Any]) -> dict[str, Any]:
    """The payload's fields as update_team takes them: agents for their ids."""
    changes = dict(given)
    if "members" in changes:
        changes["members"] = _agents(changes["members"] or [], "members")
    if "lead" in changes:
        changes["lead"] = _agents([changes["lead"]], "lead")[0] if changes["lead"] else None
    for field in (
        "name",
        "addresses",
        "acknowledge",
        "signature",
        "phone_numbers",
        "chat_allowed_origins",
    ):
        if field in changes and changes[field] is None:
            raise ValidationError({field: _("%(field)s cannot be null.") % {"field": field}})
    return changes


@router.get(
    "/teams",
    response={200: TeamList, 401: ErrorOut, 403: ErrorOut},
    summary="List the teams with their addresses, members and lead (administrators)",
)
def list_teams(request: HttpRequest) -> Any:
    _admin(request)
    return {"items": [team_out(team) for team in team_rows()]}


@router.post(
    "/teams",
    response={201: TeamOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Create a team (administrators)",
)
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    actor = _admin(request)
    changes = _changes(payload.model_dump())
    team = admin_actions.setup_team(
        changes.pop("name"), addresses=changes.pop("addresses"), actor=actor, **changes
    )
    return Status(201, team_out(team_rows().get(pk=team.pk)))


def _team(request: HttpRequest, ref: str) -> Team:
    user = caller(request)
    team = team_by_ref(ref)
    check_administrator(
        user,
        sees=team is not None and is_member(user, team.pk),
        refusal=_("Only administrators can manage teams."),
        missing=_("No such team."),
    )
    if team is None:
        raise Http404(_("No such team."))
    return team


@router.get(
    "/teams/{id}",
    response={200: TeamOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One team, by id or name (administrators)",
)
def get_team(request: HttpRequest, id: str) -> Any:
    return team_out(team_rows().get(pk=_team(request, id).pk))


@router.patch(
    "/teams/{id}",
    response={200: TeamOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary=(
        "Change a team, by id or name: name, addresses, members, lead, acknowledge, phone"
        " numbers, chat allowed origins"
    ),
)
def update_team(request: HttpRequest, id: str, payload: TeamPatch) -> Any:
    team = _team(request, id)
    changes = _changes(payload.model_dump(exclude_unset=True))
    origins = changes.pop("chat_allowed_origins", None)
    if changes:
        admin_actions.update_team(team, actor=caller(request), **changes)
    if origins is not None:
        chat_actions.set_allowed_origins(team, origins, actor=caller(request))
    return team_out(team_rows().get(pk=team.pk))
