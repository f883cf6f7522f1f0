"""/teams/{id}/csat (a team's satisfaction surveys: members and administrators read,
administrators change) and /reports/csat (the answers per team, agent or week: your
teams' numbers; administrators see all).

A team outside the caller's scope is a 404; a member who is not an administrator gets 403
for a change. A refused value is a 422 whose detail names the field."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from klient.people.access import check_administrator, is_admin, is_member
from klient.people.models import Team
from klient.people.queries import team_by_ref
from klient.reports.queries import ReportError, Window
from klient.surveys import actions, rules
from klient.surveys.models import CsatSettings
from klient.surveys.queries import csat_report

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["surveys"])


class CsatSettingsOut(Schema):
    enabled: bool
    delay_minutes: int = Field(..., description="Minutes after the solve; 0 sends at once.")
    scale: Literal["good_bad", "five"]
    ask_comment: bool


class CsatSettingsIn(Schema):
    enabled: StrictBool
    delay_minutes: StrictInt = Field(..., ge=0, le=rules.MAX_DELAY_MINUTES)
    scale: Literal["good_bad", "five"]
    ask_comment: StrictBool


def _settings_out(row: CsatSettings) -> dict[str, Any]:
    return {
        "enabled": row.enabled,
        "delay_minutes": row.delay_minutes,
        "scale": row.scale,
        "ask_comment": row.ask_comment,
    }


def _team(request: HttpRequest, ref: str) -> Team:
    """The team if the caller may read it (a member or an administrator), else 404."""
    user = caller(request)
    team = team_by_ref(ref)
    if team is None or not (is_admin(user) or is_member(user, team.pk)):
        raise Http404(_("No such team."))
    return team


@router.get(
    "/teams/{id}/csat",
    response={200: CsatSettingsOut, 401: ErrorOut, 404: ErrorOut},
    summary="A team's satisfaction survey settings (disabled unless set)",
)
def get_csat(request: HttpRequest, id: str) -> Any:
    return _settings_out(actions.settings_of(_team(request, id)))


@router.put(
    "/teams/{id}/csat",
    response={200: CsatSettingsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set a team's satisfaction survey settings (administrators)",
)
def put_csat(request: HttpRequest, id: str, payload: CsatSettingsIn) -> Any:
    user = caller(request)
    team = team_by_ref(id)
    check_administrator(
        user,
        sees=team is not None and is_member(user, team.pk),
        refusal=_("Only administrators can change a team's surveys."),
        missing=_("No such team."),
    )
    if team is None:
        raise Http404(_("No such team."))
    row = actions.update_settings(team, actor=user, **payload.dict())
    return _settings_out(row)


class CsatParams(Schema):
    group: Literal["team", "agent", "week"] = "team"
    from_: str | None = Field(None, alias="from", description="YYYY-MM-DD (default: 12 weeks ago)")
    to: str | None = Field(None, description="YYYY-MM-DD, inclusive (default: today)")


class CsatFiguresOut(Schema):
    responses: int
    score: float | None = Field(
        ..., description="Good answers in percent (good; on five points 4 and 5); null for none."
    )


class CsatRow(CsatFiguresOut):
    key: Any = Field(..., description="Team id, agent id (null: unassigned) or the week's Monday.")
    label: str
    good: int
    bad: int


class CsatReportOut(Schema):
    group: str
    start: str
    end: str
    total: CsatFiguresOut
    rows: list[CsatRow]


@router.get(
    "/reports/csat",
    response={200: CsatReportOut, 401: ErrorOut, 422: ErrorOut},
    summary="Satisfaction survey answers per team, agent or ISO week (your teams; all for admins)",
)
def csat_report_api(request: HttpRequest, params: Query[CsatParams]) -> Any:
    user = caller(request)
    try:
        window = Window.parse(params.from_, params.to)
    except ReportError as exc:
        return Status(422, {"detail": str(exc)})
    start, end = window.bounds()
    total, rows = csat_report(user, group=params.group, start=start, end=end)
    return {
        "group": params.group,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "total": {"responses": total.responses, "score": total.score},
        "rows": [row.as_dict() for row in rows],
    }
