"""Routing: the agent's own status (PUT /agents/me/status), the routing rules
(/routing/rules, administrators) and "who would get this?" (POST /routing/preview,
administrators). The list answers 403 to an agent who is not an administrator; a rule by
id 404, as an unknown rule (like an SLA policy: in no agent's scope)."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from klient.people import ownership, presence
from klient.people.access import check_administrator, is_admin
from klient.people.models import Customer
from klient.people.queries import team_by_ref
from klient.routing import queries, rules, snapshot, texts
from klient.routing.models import RoutingRule

from .auth import caller
from .schemas import AgentRef, ErrorOut
from .serializers import agent_ref

router = Router(tags=["routing"])


class StatusIn(Schema):
    status: Literal["online", "away", "offline"]


class StatusOut(Schema):
    status: str
    connected: bool = Field(
        ..., description="A live workspace connection within KLIENT_PRESENCE_TIMEOUT_SECONDS."
    )


@router.put(
    "/agents/me/status",
    response={200: StatusOut, 401: ErrorOut, 422: ErrorOut},
    summary="Set my status: online, away or offline",
)
def set_my_status(request: HttpRequest, payload: StatusIn) -> Any:
    user = caller(request)
    profile = presence.set_status(user, payload.status, actor=user)
    return {"status": profile.status, "connected": presence.is_connected(profile, timezone.now())}


def _admin(request: HttpRequest) -> Any:
    user = caller(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can manage routing."))
    return user


# -- an agent's skills and capacity; channel weights --------------------------------------


class RoutingProfileIn(Schema):
    skills: list[str] | None = Field(None, description='The whole list, e.g. ["mortgage"].')
    capacity: float | None = Field(None, description="Weighted open work at once (0-100).")


class RoutingProfileOut(Schema):
    agent: int
    skills: list[str]
    capacity: float
    status: str
    connected: bool


@router.patch(
    "/agents/{id}/routing",
    response={200: RoutingProfileOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set an agent's skills and capacity (administrators)",
)
def update_routing_profile(request: HttpRequest, id: int, payload: RoutingProfileIn) -> Any:
    user = caller(request)
    agent = get_user_model().objects.filter(pk=id, agent__isnull=False).first()
    check_administrator(
        user,
        sees=agent is not None and agent.pk == user.pk,
        refusal=_("Only administrators can change an agent's skills and capacity."),
        missing=_("No such agent."),
    )
    if agent is None:
        raise Http404(_("No such agent."))
    profile = ownership.set_routing_profile(
        agent, actor=user, **payload.model_dump(exclude_none=True)
    )
    return {
        "agent": agent.pk,
        "skills": profile.skills,
        "capacity": profile.capacity,
        "status": profile.status,
        "connected": presence.is_connected(profile),
    }


class WeightsIn(Schema):
    weights: dict[str, float] = Field(..., description='e.g. {"chat": 0.5}; others stay.')


class WeightsOut(Schema):
    weights: dict[str, float]


@router.get(
    "/routing/weights",
    response={200: WeightsOut, 401: ErrorOut, 403: ErrorOut},
    summary="How much of an agent's capacity one open conversation takes, per channel",
)
def get_weights(request: HttpRequest) -> Any:
    _admin(request)
    return {"weights": snapshot.weights()}


@router.put(
    "/routing/weights",
    response={200: WeightsOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Change channel weights (administrators)",
)
def set_weights(request: HttpRequest, payload: WeightsIn) -> Any:
    actor = _admin(request)
    with transaction.atomic():
        for channel, weight in payload.weights.items():
            rules.set_channel_weight(channel, weight, actor=actor)
    return {"weights": snapshot.weights()}


# -- rules ---------------------------------------------------------------------------------


class RuleIn(Schema):
    name: str
    position: int | None = None
    active: bool = True
    teams: list[int] = Field([], description="Match: the conversation's team (its endpoint).")
    channels: list[str] = Field([], description="Match: email, web, chat, phone, callback.")
    languages: list[str] = Field([], description="Match: the detected language.")
    organisations: list[int] = Field([], description="Match: the customer's organisation.")
    tiers: list[str] = Field([], description="Match: the organisation's tier.")
    tags: list[str] = Field([], description="Match: all of these tags.")
    skills: list[str] = Field([], description="Match: all of these skills needed.")
    pick_team: int | None = Field(None, description="Pool: this team (default the work's).")
    pick_skill: str = Field("", description="Pool: agents with this skill.")
    pick_language: str = Field("", description="Pool: agents who speak this language.")
    strategy: Literal["owner_first", "round_robin", "least_load"] = "owner_first"


class RulePatch(Schema):
    """Only the fields given change."""

    name: str | None = None
    position: int | None = None
    active: bool | None = None
    teams: list[int] | None = None
    channels: list[str] | None = None
    languages: list[str] | None = None
    organisations: list[int] | None = None
    tiers: list[str] | None = None
    tags: list[str] | None = None
    skills: list[str] | None = None
    pick_team: int | None = None
    pick_skill: str | None = None
    pick_language: str | None = None
    strategy: Literal["owner_first", "round_robin", "least_load"] | None = None


class RuleOut(RuleIn):
    id: int
    position: int


class RuleList(Schema):
    items: list[RuleOut]


def rule_out(rule: RoutingRule) -> dict[str, Any]:
    data = {name: getattr(rule, name) for name in rule_fields()}
    return {**data, "id": rule.pk, "pick_team": rule.pick_team_id}


def rule_fields() -> tuple[str, ...]:
    return tuple(f for f in rules.FIELDS if f != "pick_team")


@router.get(
    "/routing/rules",
    response={200: RuleList, 401: ErrorOut, 403: ErrorOut},
    summary="The routing rules, in the order they are tried (administrators)",
)
def list_rules(request: HttpRequest) -> Any:
    _admin(request)
    return {"items": [rule_out(rule) for rule in RoutingRule.objects.all()]}


@router.post(
    "/routing/rules",
    response={201: RuleOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add a routing rule (administrators)",
)
def create_rule(request: HttpRequest, payload: RuleIn) -> Any:
    actor = _admin(request)
    values = payload.model_dump(exclude_none=True)
    return Status(201, rule_out(rules.create_rule(actor=actor, **values)))


def _rule(request: HttpRequest, id: int) -> tuple[Any, RoutingRule]:
    actor = caller(request)
    rule = RoutingRule.objects.filter(pk=id).first() if is_admin(actor) else None
    if rule is None:
        raise Http404(_("No such routing rule."))
    return actor, rule


@router.patch(
    "/routing/rules/{id}",
    response={200: RuleOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a routing rule (administrators)",
)
def update_rule(request: HttpRequest, id: int, payload: RulePatch) -> Any:
    actor, rule = _rule(request, id)
    values = payload.model_dump(exclude_unset=True)
    return rule_out(rules.update_rule(rule, actor=actor, **values))


@router.delete(
    "/routing/rules/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete a routing rule (administrators)",
)
def delete_rule(request: HttpRequest, id: int) -> Any:
    actor, rule = _rule(request, id)
    rules.delete_rule(rule, actor=actor)
    return Status(204, None)


# -- preview -------------------------------------------------------------------------------


class PreviewIn(Schema):
    team: str = Field(..., description="A team id or name.")
    channel: Literal["email", "web", "chat", "phone", "callback"] = "email"
    language: str = ""
    customer: int | None = Field(None, description="A customer id (their owner goes first).")
    tags: list[str] = []


class PreviewOut(Schema):
    agent: AgentRef | None
    reason: str = Field(..., description="Why, worded in the caller's language.")
    reason_code: str
    rule: int | None
    candidates: list[AgentRef] = Field(..., description="Who could take it, best first.")


@router.post(
    "/routing/preview",
    response={200: PreviewOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Who would get this conversation now? (administrators; assigns nothing)",
)
def preview(request: HttpRequest, payload: PreviewIn) -> Any:
    _admin(request)
    return preview_out(
        payload.team, payload.channel, payload.language, payload.customer, payload.tags
    )


def preview_out(
    team_ref: str, channel: str, language: str, customer_id: int | None, tags: list[str]
) -> dict[str, Any]:
    team = team_by_ref(team_ref)
    if team is None:
        raise ValidationError({"team": _("No such team.")})
    customer = None
    if customer_id is not None:
        customer = Customer.objects.select_related("organisation").filter(pk=customer_id).first()
        if customer is None:
            raise ValidationError({"customer": _("No such customer.")})
    decision = queries.preview(
        team, channel=channel, language=language, customer=customer, tags=tags
    )
    users = queries.agents_by_id(
        [*decision.candidates, *([decision.agent] if decision.agent else [])]
    )
    return {
        "agent": agent_ref(users.get(decision.agent)) if decision.agent else None,
        "reason": texts.reason(decision.reason),
        "reason_code": decision.reason,
        "rule": decision.rule,
        "candidates": [agent_ref(users[c]) for c in decision.candidates if c in users],
    }
