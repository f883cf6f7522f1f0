"""/sla/policies and /teams/{id}/business-hours for administrators; /reports/sla for every
agent (their teams' numbers; administrators see all).

Other agents get 403 for the policy list (there is no object to hide) and 404 for
anything with an id, like every endpoint with an object outside the caller's scope.
Validation is the actions' (klient.sla.admin_actions, klient.calendars.actions): a
refused change is a 422 whose detail names the fields."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from klient.calendars import actions as calendar_actions
from klient.calendars.models import WorkingHoursConfig
from klient.calendars.spec import HoursSpec
from klient.conversations.access import is_admin
from klient.people.access import check_administrator, is_member
from klient.people.models import Team
from klient.reports.queries import ReportError, Window, sla_compliance, sla_totals
from klient.sla import admin_actions
from klient.sla.models import SlaPolicy

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["sla"])


class StepIn(Schema):
    trigger: Literal["warning", "breach"] = "breach"
    target: Literal["any", "first_reply", "next_reply", "update", "resolution"] = "any"
    delay_minutes: int = Field(0, ge=0)
    action: Literal["notify_assignee", "notify_team_lead", "raise_priority", "reassign"]
    email: bool = True
    fallback_team: int | None = None
    fallback_agent: int | None = None


class StepOut(StepIn):
    id: int


class PolicyPatch(Schema):
    """Every field optional: only those given change. `steps`, when given, replaces the
    escalation steps in that order."""

    name: str | None = None
    active: bool | None = None
    team: int | None = None
    channel: str | None = None
    priority: str | None = None
    organisation: int | None = None
    tag: str | None = None
    first_reply_minutes: int | None = None
    next_reply_minutes: int | None = None
    periodic_update_minutes: int | None = None
    resolution_minutes: int | None = None
    business_time: bool | None = None
    warning_percent: int | None = None
    steps: list[StepIn] | None = None


class PolicyIn(PolicyPatch):
    name: str


class PolicyOut(Schema):
    id: int
    name: str
    position: int
    active: bool
    team: int | None
    channel: str
    priority: str
    organisation: int | None
    tag: str
    first_reply_minutes: int | None
    next_reply_minutes: int | None
    periodic_update_minutes: int | None
    resolution_minutes: int | None
    business_time: bool
    warning_percent: int
    steps: list[StepOut]


class PolicyList(Schema):
    items: list[PolicyOut]


class BusinessHoursIn(Schema):
    time_zone: str
    hours: dict[str, list[tuple[str, str]]] = Field(
        ..., description='Weekday ("0" = Monday) to [["09:00", "17:00"], ...].'
    )
    country: str = ""
    subdivision: str = ""
    closures: list[str] = Field([], description="ISO dates the team is closed.")
    extra_working_days: dict[str, list[tuple[str, str]]] = Field(
        {}, description="ISO date to its working intervals, e.g. a Saturday made up."
    )


class BusinessHoursOut(BusinessHoursIn):
    team: int
    configured: bool


class ReportParams(Schema):
    group: Literal["team", "agent", "policy", "week", "target"] = "week"
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    target: Literal["first_reply", "next_reply", "periodic_update", "resolution"] | None = Field(
        None, description="Count only this target's cycles (default: all four)."
    )


class ReportRow(Schema):
    key: Any
    label: str
    conversations: int
    due: int
    met: int
    breached: int
    cancelled: int = Field(0, description="Cycles that ended without being owed.")
    compliance: float | None
    first_reply_median_seconds: int | None
    first_reply_p90_seconds: int | None
    resolution_median_seconds: int | None
    resolution_p90_seconds: int | None


class ReportOut(Schema):
    group: str
    target: str | None = None
    start: date
    end: date
    total: ReportRow
    rows: list[ReportRow]


# -- helpers ---------------------------------------------------------------------------------


def _admin(request: HttpRequest, *, missing: str | None = None) -> Any:
    """The calling administrator; other agents get 404 (`missing`) or 403."""
    user = caller(request)
    if not is_admin(user):
        if missing:
            raise Http404(missing)
        raise PermissionDenied("Only administrators can manage SLA policies.")
    return user


def _admin_row(request: HttpRequest, model: Any, pk: int, missing: str) -> Any:
    """The row, for administrators; 404 `missing` for others and for an unknown id alike."""
    _admin(request, missing=missing)
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise Http404(missing)
    return row


def _policy(request: HttpRequest, policy_id: int) -> SlaPolicy:
    return _admin_row(request, SlaPolicy, policy_id, "No such SLA policy.")


def _policy_out(policy: SlaPolicy) -> dict[str, Any]:
    return {
        **admin_actions.policy_values(policy),
        "id": policy.pk,
        "position": policy.position,
        "steps": [
            {"id": step.pk, **admin_actions.step_values(step)}
            for step in policy.escalation_steps.order_by("position", "id")
        ],
    }


def _changes(payload: PolicyPatch) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    given = payload.model_dump(exclude_unset=True)
    steps = given.pop("steps", None)
    return given, steps


# -- policies --------------------------------------------------------------------------------


@router.get(
    "/sla/policies",
    response={200: PolicyList, 401: ErrorOut, 403: ErrorOut},
    summary="List SLA policies in rule order (administrators)",
)
def list_policies(request: HttpRequest) -> Any:
    _admin(request)
    policies = SlaPolicy.objects.order_by("position", "id").prefetch_related("escalation_steps")
    return {"items": [_policy_out(p) for p in policies]}


@router.post(
    "/sla/policies",
    response={201: PolicyOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Create an SLA policy, tried after the existing ones (administrators)",
)
def create_policy(request: HttpRequest, payload: PolicyIn) -> Any:
    actor = _admin(request)
    fields, steps = _changes(payload)
    policy = admin_actions.save_policy(actor=actor, steps=steps, **fields)
    return Status(201, _policy_out(policy))


@router.get(
    "/sla/policies/{id}",
    response={200: PolicyOut, 401: ErrorOut, 404: ErrorOut},
    summary="One SLA policy with its escalation steps (administrators)",
)
def get_policy(request: HttpRequest, id: int) -> Any:
    return _policy_out(_policy(request, id))


@router.patch(
    "/sla/policies/{id}",
    response={200: PolicyOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change an SLA policy (administrators); open conversations are recomputed",
)
def update_policy(request: HttpRequest, id: int, payload: PolicyPatch) -> Any:
    policy = _policy(request, id)
    fields, steps = _changes(payload)
    policy = admin_actions.save_policy(actor=caller(request), policy=policy, steps=steps, **fields)
    return _policy_out(policy)


@router.delete(
    "/sla/policies/{id}",
    response={200: PolicyOut, 401: ErrorOut, 404: ErrorOut},
    summary="Delete an SLA policy (administrators); answers what was deleted",
)
def delete_policy(request: HttpRequest, id: int) -> Any:
    policy = _policy(request, id)
    gone = _policy_out(policy)
    admin_actions.delete_policy(policy, actor=caller(request))
    return gone


# -- business hours --------------------------------------------------------------------------


def _team(request: HttpRequest, team_id: int) -> Team:
    """For administrators; a member of the team gets 403, anyone else 404 (as teams/{id})."""
    user = caller(request)
    team = Team.objects.filter(pk=team_id).first()
    check_administrator(
        user,
        sees=team is not None and is_member(user, team.pk),
        refusal="Only administrators can change a team's business hours.",
        missing="No such team.",
    )
    if team is None:
        raise Http404("No such team.")
    return team


def hours_fields(config: WorkingHoursConfig | None) -> dict[str, Any]:
    """The six fields of the shape teams and agents share; calendar time (UTC, no hours)
    when nothing is configured."""
    return (HoursSpec() if config is None else config.spec()).as_dict()


def _hours_out(team: Team, config: WorkingHoursConfig | None) -> dict[str, Any]:
    return {"team": team.pk, "configured": config is not None, **hours_fields(config)}


@router.get(
    "/teams/{id}/business-hours",
    response={200: BusinessHoursOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A team's business hours (administrators); configured=false means calendar time",
)
def get_business_hours(request: HttpRequest, id: int) -> Any:
    team = _team(request, id)
    return _hours_out(team, WorkingHoursConfig.objects.filter(team=team).first())


@router.put(
    "/teams/{id}/business-hours",
    response={200: BusinessHoursOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set a team's business hours (administrators); its open conversations are recomputed",
)
def put_business_hours(request: HttpRequest, id: int, payload: BusinessHoursIn) -> Any:
    team = _team(request, id)
    config = calendar_actions.save_team_hours(team, actor=caller(request), **payload.model_dump())
    return _hours_out(team, config)


# -- reports ---------------------------------------------------------------------------------


@router.get(
    "/reports/sla",
    response={200: ReportOut, 401: ErrorOut, 422: ErrorOut},
    summary=(
        "SLA compliance of target cycles per team, agent, policy, ISO week or target "
        "(your teams; all for admins)"
    ),
)
def sla_report(request: HttpRequest, params: Query[ReportParams]) -> Any:
    user = caller(request)
    try:
        window = Window.parse(params.from_, params.to)
        rows = sla_compliance(user, group=params.group, window=window, target=params.target)
    except ReportError as exc:
        return Status(422, {"detail": str(exc)})
    total = sla_totals(user, window=window, target=params.target)
    return {
        "group": params.group,
        "target": params.target,
        "start": window.start,
        "end": window.end,
        "total": {**total.as_dict(), "cancelled": total.cancelled},
        "rows": [{**row.as_dict(), "cancelled": row.cancelled} for row in rows],
    }
