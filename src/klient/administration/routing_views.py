"""Routing's pages: an agent's absences with their substitute (on their own profile, and
for an administrator or a lead of one of the agent's teams), and the routing settings
(administrators): the rules in order and "who would get this?". Thin: people.actions
records absences, routing.queries previews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klient.core.pages import render_agent_page
from klient.people import actions as people_actions
from klient.people.access import is_admin
from klient.people.models import Absence, Customer, Team
from klient.people.queries import agent_names
from klient.routing import queries, rules, texts
from klient.routing.models import RoutingRule

CHANNELS = ("email", "web", "chat", "phone", "callback")


def _agent_for(request: HttpRequest, pk: int | None) -> Any:
    """The agent whose absences the page shows: the viewer, or (for an administrator or a
    lead of one of their teams) another agent; anyone else 404."""
    user = request.user
    if pk is None or pk == user.pk:
        return user
    agent = get_user_model().objects.filter(pk=pk, agent__isnull=False).first()
    leads = agent is not None and Team.objects.filter(lead_id=user.pk, members=agent).exists()
    if agent is None or not (is_admin(user) or leads):
        raise Http404(_("No such agent."))
    return agent


def _moment(value: str) -> datetime | None:
    parsed = parse_datetime(value or "")
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


@login_required
@require_http_methods(["GET", "POST"])
def absences(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agent = _agent_for(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            _record(request, agent)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Absence recorded."))
            return redirect(request.path)
    rows = Absence.objects.filter(agent=agent, ends_at__gt=timezone.now()).select_related(
        "substitute_agent", "substitute_team"
    )
    viewer = request.user.pk or 0  # signed in: login_required
    own = agent.pk == viewer
    led = (
        get_user_model()
        .objects.filter(teams__lead_id=viewer, agent__isnull=False)
        .exclude(pk=viewer)
        .distinct()
        .order_by("first_name", "last_name", "username")
        if own
        else []
    )
    context = {
        "agent": agent,
        "own": own,
        "led": led,
        "absences": rows,
        "agents": agent_names(excluding=agent.pk),
        "teams": Team.objects.order_by("name"),
        "errors": errors,
        "values": request.POST if errors else {},
    }
    return render_agent_page(request, "administration/absences.html", context)


def _record(request: HttpRequest, agent: Any) -> None:
    starts_at, ends_at = (
        _moment(request.POST.get("starts_at", "")),
        _moment(request.POST.get("ends_at", "")),
    )
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give the absence's start and end."))
    substitute = request.POST.get("substitute", "")
    kind, _sep, ref = substitute.partition(":")
    substitute_agent = substitute_team = None
    if kind == "agent" and ref.isdigit():
        substitute_agent = get_user_model().objects.filter(pk=int(ref), agent__isnull=False).first()
    elif kind == "team" and ref.isdigit():
        substitute_team = Team.objects.filter(pk=int(ref)).first()
    people_actions.create_absence(
        agent,
        actor=request.user,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=request.POST.get("reason", "")[:200],
        substitute_agent=substitute_agent,
        substitute_team=substitute_team,
    )


@login_required
@require_POST
def absence_delete(request: HttpRequest, pk: int, absence_id: int) -> HttpResponse:
    agent = _agent_for(request, pk)
    absence = Absence.objects.filter(pk=absence_id, agent=agent).first()
    if absence is None:
        raise Http404(_("No such absence."))
    people_actions.delete_absence(absence, actor=request.user)
    messages.success(request, _("Absence removed."))
    own = agent.pk == request.user.pk
    return (
        redirect("administration:absences")
        if own
        else redirect("administration:agent_absences", pk=agent.pk)
    )


@login_required
@require_http_methods(["GET", "POST"])
def routing_settings(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied(_("Only administrators can change the settings."))
    result: dict[str, Any] | None = None
    errors: list[str] = []
    rule_errors: list[str] = []
    if request.method == "POST" and request.POST.get("form") == "rule":
        try:
            rules.create_rule(actor=request.user, **_rule_values(request))
        except ValidationError as exc:
            rule_errors = exc.messages
        else:
            messages.success(request, _("Routing rule saved."))
            return redirect("administration:routing")
    elif request.method == "POST":
        try:
            result = _preview(request)
        except ValidationError as exc:
            errors = exc.messages
    context = {
        "rules": RoutingRule.objects.select_related("pick_team"),
        "teams": Team.objects.order_by("name"),
        "channels": CHANNELS,
        "strategies": RoutingRule.Strategy.choices,
        "result": result,
        "errors": errors,
        "rule_errors": rule_errors,
        "values": request.POST,
    }
    return render_agent_page(request, "administration/routing.html", context)


def _words(value: str) -> list[str]:
    return [word.strip().lower() for word in value.split(",") if word.strip()]


def _rule_values(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    team = post.get("pick_team", "")
    return {
        "name": post.get("name", "").strip()[:100],
        "channels": [c for c in post.getlist("channels") if c],
        "languages": _words(post.get("languages", "")),
        "tags": _words(post.get("tags", "")),
        "teams": [int(t) for t in post.getlist("teams") if t.isdigit()],
        "pick_team": int(team) if team.isdigit() else None,
        "pick_skill": post.get("pick_skill", "").strip().lower()[:60],
        "pick_language": post.get("pick_language", "").strip().lower()[:8],
        "strategy": post.get("strategy", ""),
    }


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _admin_rule(request, pk)
    rules.delete_rule(rule, actor=request.user)
    messages.success(request, _("Routing rule deleted."))
    return redirect("administration:routing")


def _admin_rule(request: HttpRequest, pk: int) -> RoutingRule:
    if not is_admin(request.user):
        raise PermissionDenied(_("Only administrators can change the settings."))
    rule = RoutingRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404(_("No such routing rule."))
    return rule


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One rule's form, filled in; what the page does not show (organisations, tiers,
    skills set through the API) is left as it is."""
    rule = _admin_rule(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            rules.update_rule(
                rule,
                actor=request.user,
                **_rule_values(request),
                active=request.POST.get("active") == "on",
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Routing rule saved."))
            return redirect("administration:routing")
    context = {
        "rule": rule,
        "teams": Team.objects.order_by("name"),
        "channels": CHANNELS,
        "strategies": RoutingRule.Strategy.choices,
        "rule_errors": errors,
    }
    return render_agent_page(request, "administration/routing_rule.html", context)


@login_required
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _admin_rule(request, pk)
    rules.move_rule(rule, actor=request.user, by=-1 if request.POST.get("to") == "up" else 1)
    return redirect("administration:routing")


def _preview(request: HttpRequest) -> dict[str, Any]:
    team = Team.objects.filter(pk=request.POST.get("team") or 0).first()
    if team is None:
        raise ValidationError(_("No such team."))
    channel = request.POST.get("channel", "email")
    if channel not in CHANNELS:
        raise ValidationError(_("Unknown channel %(names)s.") % {"names": channel[:20]})
    customer = None
    if ref := request.POST.get("customer", "").strip():
        customer = (
            Customer.objects.select_related("organisation")
            .filter(pk=int(ref) if ref.isdigit() else 0)
            .first()
        )
        if customer is None:
            raise ValidationError(_("No such customer."))
    tags = [t for t in request.POST.get("tags", "").split(",") if t.strip()]
    decision = queries.preview(
        team,
        channel=channel,
        language=request.POST.get("language", "").strip()[:8],
        customer=customer,
        tags=tags,
    )
    users = queries.agents_by_id(
        [*decision.candidates, *([decision.agent] if decision.agent else [])]
    )

    def name(pk: int) -> str:
        user = users.get(pk)
        return (user.get_full_name() or user.username) if user is not None else str(pk)

    return {
        "agent": name(decision.agent) if decision.agent else "",
        "reason": texts.reason(decision.reason),
        "candidates": [name(pk) for pk in decision.candidates],
    }
