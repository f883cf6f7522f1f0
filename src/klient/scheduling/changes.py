"""Moving and cancelling an appointment: by the customer through the manage link (within
the booking type's notice and reschedule limits) or by an agent (who may always
override them). The only writer of an appointment after booking.

A move keeps the appointment's row, so its invitation keeps one UID; `version` (the ICS
SEQUENCE) rises on every change. It is re-checked like a booking: the agent's
BookingLock row first, then the slot against the committed appointments with this one
set aside, and on PostgreSQL the exclusion constraint still refuses an overlap."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core import wiring
from klient.notifications.actions import notify

from . import events, invitation_mail, reminders, texts
from .booking import SlotTaken, _free_for, _lock, alternatives
from .models import Appointment, AppointmentEmail

MAX_REASON = 2000


class Refused(ValidationError):
    """The change is not allowed (outside the limits, or the appointment is not booked)."""


def _agent_notice(appointment: Appointment, kind: str, **extra: Any) -> None:
    """The agent is told at once (in the app) that the customer changed their appointment."""
    customer = appointment.customer
    notify(
        [appointment.agent],
        kind=kind,
        params={
            "customer": (customer.name if customer else "") or _("The customer"),
            "ref": appointment.reference or str(appointment.pk),
            "type": appointment.booking_type.name,
            "when": appointment.start.isoformat(),
            **extra,
        },
        conversation=appointment.conversation,
        url=f"/scheduling/appointments/#appointment-{appointment.pk}",
        email=False,
    )


def why_not(appointment: Appointment, *, reschedule: bool, now: datetime | None = None) -> str:
    """Why the customer may not change it now, in kind words; "" when they may."""
    now = now or timezone.now()
    if appointment.state != Appointment.State.BOOKED:
        return _("This appointment is no longer booked, so it cannot be changed.")
    if appointment.start <= now:
        return _("This appointment has already started, so it cannot be changed here.")
    booking_type = appointment.booking_type
    notice = timedelta(minutes=booking_type.cancel_notice_minutes)
    if appointment.start - now < notice:
        hours = booking_type.cancel_notice_minutes / 60
        return _(
            "Changes are possible up to %(hours)s hours before the start. Please reply to "
            "your confirmation email and we will find a way together."
        ) % {"hours": f"{hours:g}"}
    if reschedule and appointment.reschedules >= booking_type.max_reschedules:
        return _(
            "This appointment has been moved %(count)d times, the most this booking allows. "
            "Please reply to your confirmation email and we will find a way together."
        ) % {"count": appointment.reschedules}
    return ""


def _check(appointment: Appointment, *, actor: Any, reschedule: bool) -> None:
    if actor is None:
        reason = why_not(appointment, reschedule=reschedule)
    elif appointment.state != Appointment.State.BOOKED:
        reason = _("This appointment is no longer booked, so it cannot be changed.")
    else:
        reason = ""  # an agent may always override the limits
    if reason:
        raise Refused(reason)


def _locked(appointment_id: int) -> Appointment:
    return Appointment.objects.select_related(
        "booking_type", "agent", "customer", "conversation"
    ).get(pk=appointment_id)


def reschedule(
    appointment: Appointment, *, start: datetime, actor: Any = None, manage_url: str = ""
) -> Appointment:
    """Move it to `start` (a free slot of its booking type for its agent). `actor` None is
    the customer (manage link), else the agent or administrator. SlotTaken with the next
    free slots when the time is not free."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValidationError(_("start: a time with its offset, e.g. 2027-03-29T09:00:00+03:00."))
    with transaction.atomic():
        _lock(appointment.agent)
        appointment = _locked(appointment.pk)
        _check(appointment, actor=actor, reschedule=True)
        booking_type = appointment.booking_type
        previous = appointment.start
        end = start + timedelta(minutes=booking_type.duration_minutes)
        moved = False
        try:
            with transaction.atomic():
                # Its own time set aside while the new one is checked (undone on refusal).
                Appointment.objects.filter(pk=appointment.pk).update(
                    state=Appointment.State.RESCHEDULED
                )
                if any(s == start for s, _e in _free_for(booking_type, appointment.agent, start)):
                    Appointment.objects.filter(pk=appointment.pk).update(
                        state=Appointment.State.BOOKED,
                        start=start,
                        end=end,
                        buffer_before_minutes=booking_type.buffer_before_minutes,
                        buffer_after_minutes=booking_type.buffer_after_minutes,
                        blocked_from=start - timedelta(minutes=booking_type.buffer_before_minutes),
                        blocked_until=end + timedelta(minutes=booking_type.buffer_after_minutes),
                        version=F("version") + 1,
                        reschedules=F("reschedules") + 1,
                    )
                    moved = True
                else:
                    raise IntegrityError("not free")
        except IntegrityError:
            moved = False
        if not moved:
            raise SlotTaken(alternatives(booking_type, start))
        appointment = _locked(appointment.pk)
        wiring.publish_on_commit(
            events.appointment_rescheduled(appointment, actor=actor, previous_start=previous)
        )
        invitation_mail.queue(
            appointment, AppointmentEmail.Change.RESCHEDULED, manage_url=manage_url
        )
        # The new time's reminders (the old version's rows see the version moved on and
        # send nothing).
        reminders.schedule(appointment)
        if actor is None:
            _agent_notice(appointment, texts.APPOINTMENT_RESCHEDULED)
    return appointment


def cancel(appointment: Appointment, *, reason: str = "", actor: Any = None) -> Appointment:
    """Cancel it, with an optional reason. `actor` None is the customer (manage link)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(_("reason: at most %d characters.") % MAX_REASON)
    with transaction.atomic():
        _lock(appointment.agent)
        appointment = _locked(appointment.pk)
        _check(appointment, actor=actor, reschedule=False)
        Appointment.objects.filter(pk=appointment.pk).update(
            state=Appointment.State.CANCELLED,
            cancel_reason=reason,
            cancelled_at=timezone.now(),
            version=F("version") + 1,
        )
        appointment = _locked(appointment.pk)
        wiring.publish_on_commit(events.appointment_cancelled(appointment, actor=actor))
        invitation_mail.queue(appointment, AppointmentEmail.Change.CANCELLED)
        if actor is None:
            _agent_notice(appointment, texts.APPOINTMENT_CANCELLED, reason=reason)
    return appointment
