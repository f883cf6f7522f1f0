"""Callbacks due (/callbacks/): the list agents work from, and logging an attempt; and
the "Log a call" card of a conversation page.

Thin: the callbacks in the agent's scope (klient.phone.callbacks.due_callbacks), one
action (record_attempt), a redirect with a notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations.access import access_conversation

from . import actions, callbacks
from .models import CallbackAttempt


@login_required
def callbacks_due(request: HttpRequest) -> HttpResponse:
    rows = list(callbacks.due_callbacks(request.user)[:200])
    return render(
        request,
        "phone/callbacks.html",
        {"callbacks": rows, "now": timezone.now(), "outcomes": CallbackAttempt.Outcome.choices},
    )


@login_required
@require_POST
def callback_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    callback = callbacks.due_callbacks(request.user).filter(pk=pk).first()
    if callback is None:
        raise Http404(_("No such callback."))
    try:
        callbacks.record_attempt(
            callback,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", "")[:5000],
        )
    except ValidationError:
        messages.error(request, _("Choose how the call went."))
    else:
        messages.success(request, _("The attempt was logged."))
    return redirect(reverse("phone:callbacks"))


@login_required
@require_POST
def log_call(request: HttpRequest, ref: str) -> HttpResponse:
    """The "Log a call" card of a conversation page (phone/_log_call.html)."""
    conversation = access_conversation(request.user, ref)
    minutes = request.POST.get("minutes", "").strip()
    try:
        actions.log_call(
            conversation,
            actor=request.user,
            direction=request.POST.get("direction", ""),
            number=request.POST.get("number", "")[:40],
            outcome=request.POST.get("outcome", ""),
            duration_seconds=int(float(minutes) * 60) if minutes else None,
            notes=request.POST.get("notes", "")[:5000],
        )
    except (ValidationError, ValueError):
        messages.error(request, _("Give the direction, the customer's number and how it went."))
    else:
        messages.success(request, _("The call was logged."))
    return redirect(reverse("workspace:conversation", args=[conversation.reference]))
