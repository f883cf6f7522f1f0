"""The agents' pages for booking types (/scheduling/booking-types/). Thin: rules are in
actions, sight in queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.core.pages import render_agent_page
from klient.people.access import is_admin

from . import actions, care, queries
from .forms import BookingTypeForm
from .models import BookingType


@login_required
def booking_type_list(request: HttpRequest) -> HttpResponse:
    rows = [
        (booking_type, actions.may_edit(request.user, booking_type))
        for booking_type in queries.visible_booking_types(request.user)
    ]
    return render_agent_page(request, "scheduling/list.html", {"booking_types": rows})


def _editable(request: HttpRequest, booking_type_id: int) -> BookingType:
    booking_type = queries.visible_booking_type(request.user, booking_type_id)
    if not actions.may_edit(request.user, booking_type):
        raise PermissionDenied(_("Only its agent or an administrator may change this type."))
    return booking_type


@login_required
def booking_type_edit(request: HttpRequest, booking_type_id: int | None = None) -> HttpResponse:
    booking_type = _editable(request, booking_type_id) if booking_type_id is not None else None
    admin = is_admin(request.user)
    if request.method != "POST":
        initial = BookingTypeForm.initial_of(booking_type) if booking_type else None
        form = BookingTypeForm(initial=initial, admin=admin)
    else:
        form = BookingTypeForm(request.POST, admin=admin)
        if form.is_valid():
            fields = form.fields_for(request.user)
            try:
                if booking_type is None:
                    actions.create_booking_type(actor=request.user, **fields)
                else:
                    actions.update_booking_type(booking_type, actor=request.user, **fields)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Booking type saved."))
                return redirect("scheduling:list")
    context = {"form": form, "booking_type": booking_type}
    return render_agent_page(
        request, "scheduling/edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def booking_type_delete(request: HttpRequest, booking_type_id: int) -> HttpResponse:
    actions.delete_booking_type(_editable(request, booking_type_id), actor=request.user)
    messages.success(request, _("Booking type deleted."))
    return redirect("scheduling:list")


@login_required
def appointment_list(request: HttpRequest) -> HttpResponse:
    """The agent's upcoming appointments (and their teams'), in the agent's own zone."""
    zone = queries.agent_zone(request.user)
    since = timezone.now() - timedelta(hours=2)
    upcoming = list(queries.visible_appointments(request.user).filter(end__gte=since)[:200])
    earlier = care.earlier_missed_of(upcoming)
    rows = [
        (
            a,
            a.start.astimezone(zone).isoformat(),
            local_label(a, zone),
            care.earlier_missed_words(earlier[a.pk]),
        )
        for a in upcoming
    ]
    return render_agent_page(
        request, "scheduling/appointments.html", {"rows": rows, "zone": str(zone)}
    )


def local_label(appointment: Any, zone: Any) -> str:
    # Formatted here: a template would show aware times in the site's zone.
    start, end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
    return f"{date_format(start, 'D j M Y')}, {start:%H:%M}–{end:%H:%M}"
