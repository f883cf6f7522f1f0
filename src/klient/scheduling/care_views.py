"""The manage link's care pages (no sign-in: the link's token is the key): "I lost
connection" and "tell us what happened" after a missed meeting. Built for a weak phone
connection: one small HTML page each, inline CSS, no script, no external asset, a plain
form. GET changes nothing; the button's POST does.

The forms carry Django's CSRF token like every other form of Klient: the GET that shows
the button sets the cookie, so the tap needs no extra round trip."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from . import care, messages
from .links import appointment_by_token
from .models import Appointment, MissedAppointment


def _appointment(token: str) -> Appointment:
    appointment = appointment_by_token(token)
    if appointment is None:
        raise Http404("No such appointment.")
    return appointment


@require_http_methods(["GET", "POST"])
def lost_connection(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    language = messages.language_of(appointment)
    told = False
    if request.method == "POST":
        care.lost_connection(appointment, side=care.CUSTOMER)
        told = True
    with translation.override(language):
        return render(
            request,
            "scheduling/care/lost_connection.html",
            {
                "appointment": appointment,
                "when": messages.when(appointment),
                "told": told,
                "manage": f"/b/{token}/",
                "language": language,
            },
        )


@require_http_methods(["GET", "POST"])
def missed(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    record = MissedAppointment.objects.filter(appointment=appointment).first()
    if record is None:
        raise Http404("This appointment was not missed.")
    language = messages.language_of(appointment)
    error = ""
    saved = False
    if request.method == "POST":
        try:
            care.give_reason(
                record,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
            saved = True
        except ValidationError as exc:
            error = " ".join(exc.messages)
    with translation.override(language):
        return render(
            request,
            "scheduling/care/missed.html",
            {
                "appointment": appointment,
                "when": messages.when(appointment),
                "reasons": MissedAppointment.Reason.choices,
                "chosen": record.reason,
                "saved": saved,
                "error": error,
                "manage": f"/b/{token}/",
                "language": language,
            },
            status=422 if error else 200,
        )
