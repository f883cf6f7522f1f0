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
from .callback_window import day_window, zone_or_default
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


def _callback_wish(request: HttpRequest, customer_zone: str) -> callbacks.CallbackWish | None:
    """The card's "asks to be called back" part: a window on one day, in the customer's
    zone (the desk's when theirs is unknown); ValueError when it names no window."""
    if not request.POST.get("callback"):
        return None
    zone = zone_or_default(customer_zone)
    start, end = day_window(
        request.POST.get("callback_day", ""),
        request.POST.get("callback_from", ""),
        request.POST.get("callback_until", ""),
        zone,
    )
    return callbacks.CallbackWish(window_start=start, window_end=end, time_zone=zone.key)


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
            callback=_callback_wish(request, conversation.customer.time_zone),
        )
    except (ValidationError, ValueError):
        messages.error(
            request,
            _(
                "Give the direction, the customer's number and how it went"
                " (and, for a call back, a day and a window that ends after it starts)."
            ),
        )
    else:
        messages.success(request, _("The call was logged."))
    return redirect(reverse("workspace:conversation", args=[conversation.reference]))
