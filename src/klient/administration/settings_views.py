"""The settings pages (administrators only): teams with their addresses, members and lead;
agents with their invitation, languages, time zone, teams and activity. Thin: each change
is one action of klient.people.admin_actions; other agents get 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klient.core.pages import render_agent_page, show_errors
from klient.people import accounts, admin_actions
from klient.people.access import is_admin
from klient.people.models import Team
from klient.people.queries import agents_by_id

from .forms import AgentForm, InviteForm, TeamForm


def _require_admin(request: HttpRequest) -> Any:
    if not is_admin(request.user):
        raise PermissionDenied(_("Only administrators can change the settings."))
    return request.user


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return redirect("administration:teams")


# -- teams -----------------------------------------------------------------------------------


@login_required
@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    rows = Team.objects.select_related("lead").prefetch_related("members").order_by("name")
    listed = [(team, admin_actions.email_addresses(team)) for team in rows]
    return render_agent_page(request, "administration/teams.html", {"teams": listed})


def _team_changes(form: TeamForm) -> dict[str, Any]:
    data = form.cleaned_data
    members, _unknown = agents_by_id(data["members"])
    lead, _unknown = agents_by_id([data["lead"]] if data["lead"] else [])
    return {
        "name": data["name"],
        "addresses": form.addresses_list(),
        "acknowledge": data["acknowledge"],
        "members": members,
        "lead": lead[0] if lead else None,
        "signature": data["signature"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _require_admin(request)
    team = get_object_or_404(Team, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = TeamForm(request.POST, team=team)
        if form.is_valid():
            changes = _team_changes(form)
            try:
                if team is None:
                    team = admin_actions.setup_team(
                        changes.pop("name"),
                        addresses=changes.pop("addresses"),
                        actor=actor,
                        **changes,
                    )
                    messages.success(request, _("Team %(name)s created.") % {"name": team.name})
                else:
                    team = admin_actions.update_team(team, actor=actor, **changes)
                    messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                return redirect("administration:teams")
    else:
        initial = TeamForm.initial_for(team, admin_actions.email_addresses(team)) if team else None
        form = TeamForm(initial=initial, team=team)
    return render_agent_page(request, "administration/team_form.html", {"form": form, "team": team})


# -- agents ----------------------------------------------------------------------------------


def _agents() -> Any:
    return (
        get_user_model()
        .objects.filter(agent__isnull=False)
        .select_related("agent")
        .prefetch_related("teams")
        .order_by("-is_active", "first_name", "last_name", "username")
    )


@login_required
@require_GET
def agents(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render_agent_page(request, "administration/agents.html", {"agents": _agents()})


@login_required
@require_http_methods(["GET", "POST"])
def agent_invite(request: HttpRequest) -> HttpResponse:
    actor = _require_admin(request)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            fields = form.agent_fields()
            try:
                agent = admin_actions.invite_agent(fields.pop("email"), actor=actor, **fields)
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": agent.email}
                )
                return redirect("administration:agents")
    else:
        form = InviteForm(initial={"time_zone": _own_time_zone(actor)})
    return render_agent_page(request, "administration/agent_form.html", {"form": form})


def _own_time_zone(user: Any) -> str:
    return str(user.agent.time_zone) if hasattr(user, "agent") else ""


def _agent(pk: int) -> Any:
    return get_object_or_404(_agents(), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def agent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _require_admin(request)
    agent = _agent(pk)
    if request.method == "POST":
        form = AgentForm(request.POST)
        if form.is_valid():
            try:
                admin_actions.update_agent(agent, actor=actor, **form.agent_fields())
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("Agent %(email)s saved.") % {"email": agent.email})
                return redirect("administration:agents")
    else:
        form = AgentForm(initial=AgentForm.initial_for(agent))
    return render_agent_page(
        request, "administration/agent_form.html", {"form": form, "agent": agent}
    )


@login_required
@require_POST
def agent_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (active=0) or reactivate (active=1) an agent."""
    actor = _require_admin(request)
    agent = _agent(pk)
    active = request.POST.get("active") == "1"
    try:
        admin_actions.update_agent(agent, actor=actor, active=active)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        done = _("%(email)s is active again.") if active else _("%(email)s is deactivated.")
        messages.success(request, done % {"email": agent.email})
    return redirect("administration:agent", pk=agent.pk)


@login_required
@require_POST
def agent_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the invitation again (an agent who has not chosen a password yet)."""
    actor = _require_admin(request)
    agent = _agent(pk)
    if agent.is_active and not agent.has_usable_password():
        accounts.queue_invitation(agent, actor=actor)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": agent.email})
    return redirect("administration:agent", pk=agent.pk)
