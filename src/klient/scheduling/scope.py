"""Which appointments an agent may act on through the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from klient.people.access import is_admin

from .models import Appointment


def visible_appointments(user: Any) -> QuerySet[Appointment]:
    """An administrator sees all, an agent their own and their teams' (the booking type's
    team, or the conversation's)."""
    found = Appointment.objects.select_related("booking_type", "agent", "customer", "conversation")
    if is_admin(user):
        return found
    mine = Q(agent=user) | Q(booking_type__team__members=user) | Q(conversation__team__members=user)
    return found.filter(pk__in=Appointment.objects.filter(mine).values("pk"))


def visible_appointment(user: Any, appointment_id: int) -> Appointment:
    """One appointment in the user's sight; Http404 otherwise (it may not exist)."""
    found = visible_appointments(user).filter(pk=appointment_id).first()
    if found is None:
        raise Http404(_("No such appointment."))
    return found
