"""The customer's manage link /b/<token>/ (public, no sign-in): the appointment in their
zone and language, reschedule to one of the next free slots, cancel with an optional
reason. Forms without JavaScript; the rules are in klient.scheduling.changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import booking, changes, invitation_mail, queries
from .links import appointment_by_token
from .models import Appointment

SLOTS_SHOWN = 10
SLOTS_DAYS = 14


def _next_slots(
    appointment: Appointment, after: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """The next free slots (from `after` on, when the customer asked for later times)."""
    now = max(timezone.now(), after or timezone.now())
    found = queries.free_slots(appointment.booking_type, now, now + timedelta(days=SLOTS_DAYS))
    return [s for s in found if s[0] != appointment.start][:SLOTS_SHOWN]


def _page(
    request: HttpRequest,
    token: str,
    appointment: Appointment,
    *,
    status: int = 200,
    error: str = "",
    done: str = "",
) -> HttpResponse:
    zone = queries.zone_named(appointment.time_zone) or queries.zone_named("UTC")
    reschedule_refused = changes.why_not(appointment, reschedule=True)
    cancel_refused = changes.why_not(appointment, reschedule=False)
    after = _parse(request.GET.get("after", ""))
    slots = [] if reschedule_refused else _next_slots(appointment, after)
    context = {
        "token": token,
        "appointment": appointment,
        "when": invitation_mail.local_when(
            appointment.start, appointment.end, appointment.time_zone
        ),
        "where": invitation_mail.where(appointment.booking_type),
        "slots": [
            (
                a.astimezone(zone).isoformat(),
                invitation_mail.local_when(a, b, appointment.time_zone),
            )
            for a, b in slots
        ],
        "later": (slots[-1][0] + timedelta(minutes=1)).isoformat() if slots else "",
        "reschedule_refused": reschedule_refused,
        "cancel_refused": cancel_refused,
        "error": error,
        "done": done,
        "booked": appointment.state == Appointment.State.BOOKED,
    }
    return render(request, "scheduling/manage/page.html", context, status=status)


def _found(token: str) -> Appointment | None:
    found = appointment_by_token(token)
    if found is None:
        return None
    return Appointment.objects.select_related("booking_type", "agent", "customer").get(pk=found.pk)


def _unknown(request: HttpRequest) -> HttpResponse:
    return render(request, "scheduling/manage/unknown.html", status=404)


@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _found(token)
    if appointment is None:
        return _unknown(request)
    with translation.override(invitation_mail.language_of(appointment)):
        done = {
            "booked": _("Your appointment is booked. A confirmation is on its way by email."),
            "moved": _("Your appointment is moved."),
            "cancelled": _("Your appointment is cancelled."),
        }
        return _page(request, token, appointment, done=done.get(request.GET.get("done", ""), ""))


@require_POST
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _found(token)
    if appointment is None:
        return _unknown(request)
    with translation.override(invitation_mail.language_of(appointment)):
        start = _parse(request.POST.get("start", ""))
        if start is None:
            return _page(
                request, token, appointment, status=422, error=_("Choose one of the times.")
            )
        try:
            changes.reschedule(appointment, start=start, manage_url=booking.manage_url(token))
        except booking.SlotTaken:
            return _page(
                request,
                token,
                appointment,
                status=409,
                error=_("This time was just taken. Please choose another one."),
            )
        except ValidationError as exc:
            return _page(
                request,
                token,
                _found(token) or appointment,
                status=422,
                error=" ".join(exc.messages),
            )
    return redirect(f"/b/{token}/?done=moved")


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _found(token)
    if appointment is None:
        return _unknown(request)
    with translation.override(invitation_mail.language_of(appointment)):
        try:
            changes.cancel(appointment, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            return _page(request, token, appointment, status=422, error=" ".join(exc.messages))
    return redirect(f"/b/{token}/?done=cancelled")


def _parse(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
