"""The recovery tasks page (/recovery-tasks/): open tasks first, each closed with an outcome
through a small htmx form. Thin: the change is one action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from klient.core.pages import render_agent_page

from . import actions
from .queries import STATES, access_recovery_task, recovery_tasks_for


@login_required
@require_GET
def recovery_tasks(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    tasks = list(recovery_tasks_for(request.user, state))
    return render_agent_page(
        request,
        "sentiment/recovery_tasks.html",
        {"tasks": tasks, "state": state, "states": STATES},
    )


@login_required
@require_POST
def close_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_recovery_task(request.user, pk)
    try:
        # A POST is already one durable transaction (core.transactions.WriteRequestMiddleware).
        task = actions.close_recovery_task(
            task, outcome=request.POST.get("outcome", ""), actor=request.user
        )
    except ValidationError as exc:
        error = " ".join(str(message) for message in exc.messages)
        if request.headers.get("HX-Request"):
            return render_agent_page(
                request, "sentiment/_task.html", {"task": task, "error": error}, status=422
            )
        messages.error(request, error)
        return redirect("sentiment:recovery_tasks")
    if request.headers.get("HX-Request"):
        return render_agent_page(request, "sentiment/_task.html", {"task": task})
    messages.success(request, _("Recovery task closed."))
    return redirect("sentiment:recovery_tasks")
