"""When a meeting goes wrong: "I lost connection" (either side, one tap) and a missed
meeting (without blame). The writers of these changes, called by the manage-link pages and
the agents' API alike, inside the entry point's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klient.notifications.actions import notify

from . import booking, events, messages, outbox, texts
from .models import Appointment, MissedAppointment

CUSTOMER = "customer"
AGENT = "agent"
NEW_SLOTS = 3


def lost_connection(appointment: Appointment, *, side: str, actor: Any = None) -> None:
    """`side` (customer or agent) lost power or connection: the other side is told at
    once (customer -> their agent: in-app notice and its email; agent -> the customer:
    email and SMS when configured), and the timeline says so."""
    events.lost_connection(appointment, side=side, actor=actor)
    contact = messages.contact_of(appointment)
    if side == CUSTOMER:
        customer = appointment.customer
        notify(
            [appointment.agent],
            kind=texts.LOST_CONNECTION,
            params={
                "customer": (customer.name if customer else "") or _("The customer"),
                "name": appointment.booking_type.name,
                "reference": appointment.reference or "",
                "phone": contact.phone,
                "manage": messages.manage_url(appointment),
            },
            conversation=appointment.conversation,
        )
        return
    customer = appointment.customer
    outbox.queue(
        appointment,
        messages.lost_connection_to_customer(appointment),
        purpose="lost_connection",
        email=customer.primary_email() if customer is not None else "",
        phone=contact.phone,
        language=messages.language_of(appointment),
    )


def mark_missed(
    appointment: Appointment, *, party: str, reason: str = "", actor: Any = None
) -> MissedAppointment:
    """The meeting did not take place: the appointment is missed (its reminders stop: the
    version rises), the customer is offered new times kindly and may tell us why."""
    if party not in (CUSTOMER, AGENT):
        raise ValidationError(_("party: customer or agent."))
    if reason and reason not in MissedAppointment.Reason.values:
        raise ValidationError(_("reason: one of power_cut, illness, forgot, other."))
    if appointment.state != Appointment.State.BOOKED:
        raise ValidationError(_("Only a booked appointment can be missed."))
    now = timezone.now()
    Appointment.objects.filter(pk=appointment.pk).update(
        state=Appointment.State.MISSED, version=F("version") + 1
    )
    appointment.refresh_from_db(fields=["state", "version"])
    missed = MissedAppointment.objects.create(
        appointment=appointment,
        party=party,
        reason=reason,
        recorded_at=now,
        reason_given_at=now if reason else None,
    )
    events.appointment_missed(appointment, party=party, reason=reason, actor=actor)
    zone = appointment.time_zone or "UTC"
    slots = [
        messages.when_at(start, zone)
        for start, _end in booking.alternatives(appointment.booking_type, now)[:NEW_SLOTS]
    ]
    customer = appointment.customer
    outbox.queue(
        appointment,
        messages.missed(appointment, party=party, slots=slots),
        purpose="missed",
        email=customer.primary_email() if customer is not None else "",
        language=messages.language_of(appointment),
    )
    return missed


def give_reason(missed: MissedAppointment, *, reason: str, note: str = "") -> None:
    """The customer tells us why (from the link in the message, no sign-in)."""
    if reason not in MissedAppointment.Reason.values:
        raise ValidationError(_("reason: one of power_cut, illness, forgot, other."))
    missed.reason, missed.note = reason, note.strip()[:500]
    missed.reason_given_at = timezone.now()
    missed.save(update_fields=["reason", "note", "reason_given_at"])
    events.missed_reason_given(missed.appointment, reason=reason)


def earlier_missed_of(appointments: Iterable[Appointment]) -> dict[int, list[str]]:
    """For each appointment (by id), the reasons of its customer's earlier missed
    appointments, oldest first ("" where none was given): context for the agent, never a
    penalty. Misses the customer's side had (not an agent's); one query for all."""
    wanted = [a for a in appointments if a.customer_id is not None]
    rows = (
        MissedAppointment.objects.filter(
            party=CUSTOMER, appointment__customer_id__in={a.customer_id for a in wanted}
        )
        .order_by("appointment__start", "pk")
        .values_list("appointment__customer_id", "appointment__start", "reason")
    )
    by_customer: dict[int, list[tuple[datetime, str]]] = {}
    for customer_id, start, reason in rows:
        by_customer.setdefault(customer_id, []).append((start, reason))
    return {
        a.pk: [
            reason for start, reason in by_customer.get(a.customer_id or 0, ()) if start < a.start
        ]
        for a in appointments
    }


def earlier_missed(appointment: Appointment) -> list[str]:
    """The customer's earlier missed appointments' reasons, oldest first ("" for none
    given): context for the agent, never a penalty."""
    return earlier_missed_of([appointment])[appointment.pk]


def earlier_missed_words(reasons: list[str]) -> str:
    """ "2 earlier appointments missed: power cut, power cut" ("" when there are none), in
    the active language."""
    if not reasons:
        return ""
    labels = dict(MissedAppointment.Reason.choices)
    named = ", ".join(str(labels.get(r, _("no reason given"))) for r in reasons)
    return ngettext(
        "%(count)d earlier appointment missed: %(reasons)s",
        "%(count)d earlier appointments missed: %(reasons)s",
        len(reasons),
    ) % {"count": len(reasons), "reasons": named}


def earlier_missed_text(appointment: Appointment) -> str:
    """ "2 earlier appointments missed: power cut, power cut" ("" when there are none)."""
    return earlier_missed_words(earlier_missed(appointment))
