"""Callbacks due (/callbacks/): the list agents work from, and logging an attempt.

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

from . import callbacks
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
