"""The agent's own external calendars on their profile page: add, sync now, remove.
Thin: each is one action (or `sync.sync_now`), then back to the profile with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, sync
from .access import access_agent, access_calendar


def _back() -> HttpResponse:
    response = redirect("administration:profile")
    response["Location"] += "#external-calendars"
    return response


@login_required
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    agent = access_agent(request.user, request.user.pk or 0)
    try:
        actions.add_calendar(
            agent,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            url=request.POST.get("url", ""),
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Calendar added; it is read within a few minutes."))
    return _back()


@login_required
@require_POST
def sync_now(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = access_calendar(request.user, request.user.pk or 0, pk)
    if not sync.sync_now(calendar):
        messages.info(request, _("This calendar is being read right now."))
    elif calendar.last_error:
        messages.error(request, _("The calendar could not be read: %s") % calendar.last_error)
    else:
        messages.success(request, _("Calendar synced."))
    return _back()


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = access_calendar(request.user, request.user.pk or 0, pk)
    actions.remove_calendar(calendar, actor=request.user)
    messages.success(request, _("Calendar removed."))
    return _back()
