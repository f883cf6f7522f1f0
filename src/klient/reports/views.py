"""The reports dashboard, its CSV export, and the SLA settings pages (administrators).

Thin: parse the request, call klient.reports.queries, klient.sla.admin_actions or
klient.calendars.actions, render.
The settings pages answer 404 to agents who are not administrators."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klient.calendars import actions as calendar_actions
from klient.calendars.models import WorkingHoursConfig
from klient.conversations.access import is_admin
from klient.core.pages import show_errors
from klient.people.models import Team
from klient.reports.chart import percent_bars
from klient.reports.forms import BusinessHoursForm, PolicyForm, StepForm, StepFormSet, kept_steps
from klient.reports.queries import (
    GROUPS,
    TARGETS,
    ReportError,
    Window,
    iso_week,
    parse_target,
    sla_compliance,
    sla_totals,
    target_label,
)
from klient.reports.transfers import transfer_figures
from klient.sla import admin_actions
from klient.sla.models import SlaPolicy

CSV_COLUMNS = [
    "group",
    "key",
    "label",
    "conversations",
    "due",
    "met",
    "breached",
    "compliance_percent",
    "first_reply_median_seconds",
    "first_reply_p90_seconds",
    "resolution_median_seconds",
    "resolution_p90_seconds",
]


def _report_params(request: HttpRequest) -> tuple[str, Window, str | None]:
    group = request.GET.get("group") or "team"
    if group not in GROUPS:
        raise ReportError(_("group is one of %(groups)s.") % {"groups": ", ".join(GROUPS)})
    target = parse_target(request.GET.get("target"))
    return group, Window.parse(request.GET.get("from"), request.GET.get("to")), target


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        group, window, target = _report_params(request)
    except ReportError as exc:
        messages.error(request, str(exc))
        group, window, target = "team", Window.parse(None, None), None
    user = request.user
    weeks = sla_compliance(user, group="week", window=window, target=target)
    rows = (
        weeks
        if group == "week"
        else sla_compliance(user, group=group, window=window, target=target)
    )
    csv_query = f"group={group}&from={window.start}&to={window.end}"
    return render(
        request,
        "reports/dashboard.html",
        {
            "group": group,
            "groups": GROUPS,
            "target": target,
            "targets": [(name, target_label(name)) for name in TARGETS],
            "window": window,
            "rows": rows,
            "per_target": sla_compliance(user, group="target", window=window, target=target),
            "total": sla_totals(user, window=window, target=target),
            "chart": percent_bars(_every_week(window, {w.key: w.compliance for w in weeks})),
            "csv_query": csv_query + (f"&target={target}" if target else ""),
            "transfers": transfer_figures(user, window=window),
        },
    )


def _every_week(window: Window, compliance: dict[Any, float | None]) -> list[Any]:
    """(ISO week, compliance) for each week of the window, None where nothing was due, so
    the chart's gaps are visible; at most the last 53 weeks."""
    monday = window.start - timedelta(days=window.start.weekday())
    weeks = []
    while monday <= window.end:
        weeks.append((iso_week(monday), compliance.get(monday)))
        monday += timedelta(weeks=1)
    return weeks[-53:]


@login_required
@require_GET
def sla_csv(request: HttpRequest) -> HttpResponse:
    try:
        group, window, target = _report_params(request)
    except ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    chosen = f"{target}-" if target else ""
    filename = f"klient-sla-{group}-{chosen}{window.start}-{window.end}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in sla_compliance(request.user, group=group, window=window, target=target):
        figures = row.as_dict()
        writer.writerow(
            [group, figures["key"] if figures["key"] is not None else "", _csv_safe(row.label)]
            + [
                "" if figures[name] is None else figures[name]
                for name in (
                    "conversations",
                    "due",
                    "met",
                    "breached",
                    "compliance",
                    "first_reply_median_seconds",
                    "first_reply_p90_seconds",
                    "resolution_median_seconds",
                    "resolution_p90_seconds",
                )
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    """Names typed by people must not become formulas in a spreadsheet."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# -- SLA settings (administrators) -----------------------------------------------------------


def _require_admin(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise Http404("No such page.")


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    policies = SlaPolicy.objects.order_by("position", "id").select_related("team", "organisation")
    teams = Team.objects.order_by("name")
    configured = set(
        WorkingHoursConfig.objects.filter(team__isnull=False).values_list("team_id", flat=True)
    )
    return render(
        request,
        "reports/sla_policies.html",
        {
            "policies": policies,
            "teams": [(team, team.pk in configured) for team in teams],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_admin(request)
    policy = get_object_or_404(SlaPolicy, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = PolicyForm(request.POST)
        steps = StepFormSet(request.POST, prefix="steps")
        if form.is_valid() and steps.is_valid():
            try:
                admin_actions.save_policy(
                    actor=request.user,
                    policy=policy,
                    steps=kept_steps(steps),
                    **form.policy_fields(),
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("Policy saved; open conversations follow it."))
                return redirect("reports:sla_policies")
    else:
        form = PolicyForm(initial=PolicyForm.initial_for(policy) if policy else None)
        steps = StepFormSet(
            prefix="steps",
            initial=[StepForm.initial_for(s) for s in policy.escalation_steps.all()]
            if policy
            else None,
        )
    return render(
        request, "reports/sla_policy_form.html", {"form": form, "steps": steps, "policy": policy}
    )


@login_required
@require_POST
def policy_move(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    policy = get_object_or_404(SlaPolicy, pk=pk)
    admin_actions.move_policy(
        policy, -1 if request.POST.get("to") == "up" else 1, actor=request.user
    )
    return redirect("reports:sla_policies")


@login_required
@require_POST
def policy_active(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    policy = get_object_or_404(SlaPolicy, pk=pk)
    admin_actions.save_policy(
        actor=request.user, policy=policy, active=request.POST.get("active") == "1"
    )
    return redirect("reports:sla_policies")


@login_required
@require_POST
def policy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    policy = get_object_or_404(SlaPolicy, pk=pk)
    admin_actions.delete_policy(policy, actor=request.user)
    messages.success(request, _("Policy %(name)s deleted.") % {"name": policy.name})
    return redirect("reports:sla_policies")


@login_required
@require_http_methods(["GET", "POST"])
def business_hours(request: HttpRequest, team_id: int) -> HttpResponse:
    _require_admin(request)
    team = get_object_or_404(Team, pk=team_id)
    config = WorkingHoursConfig.objects.filter(team=team).first()
    if request.method == "POST":
        form = BusinessHoursForm(request.POST)
        if form.is_valid():
            try:
                calendar_actions.save_team_hours(team, actor=request.user, **form.hours_fields())
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request, _("Business hours of %(team)s saved.") % {"team": team.name}
                )
                return redirect("reports:sla_policies")
    else:
        form = BusinessHoursForm(initial=BusinessHoursForm.initial_for(config) if config else None)
    return render(request, "reports/business_hours_form.html", {"form": form, "team": team})
