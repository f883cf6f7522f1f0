"""Scheduling's Event kinds, one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event


class Kind(EventKind):
    BOOKING_TYPE_CREATED = "scheduling.booking_type_created", _("Booking type created")
    BOOKING_TYPE_UPDATED = "scheduling.booking_type_updated", _("Booking type changed")
    BOOKING_TYPE_DELETED = "scheduling.booking_type_deleted", _("Booking type deleted")
    APPOINTMENT_BOOKED = "scheduling.appointment_booked", _("Appointment booked")
    REMINDER_SENT = "scheduling.reminder_sent", _("Appointment reminder sent")
    LOST_CONNECTION = "scheduling.lost_connection", _("Lost connection")
    APPOINTMENT_MISSED = "scheduling.appointment_missed", _("Appointment missed")
    MISSED_REASON_GIVEN = "scheduling.missed_reason_given", _("Reason for a missed appointment")
    APPOINTMENT_RESCHEDULED = "scheduling.appointment_rescheduled", _("Appointment rescheduled")
    APPOINTMENT_CANCELLED = "scheduling.appointment_cancelled", _("Appointment cancelled")
    INVITATION_SENT = "scheduling.invitation_sent", _("Appointment email sent")


def _type_data(booking_type: Any, **extra: Any) -> dict[str, Any]:
    return {
        "booking_type": booking_type.pk,
        "slug": booking_type.slug,
        "agent": booking_type.agent_id,
        "team": booking_type.team_id,
        **extra,
    }


def booking_type_created(booking_type: Any, *, actor: Any) -> Event:
    return append(Kind.BOOKING_TYPE_CREATED, actor=actor, data=_type_data(booking_type))


def booking_type_updated(booking_type: Any, *, actor: Any, changed: list[str]) -> Event:
    return append(
        Kind.BOOKING_TYPE_UPDATED, actor=actor, data=_type_data(booking_type, changed=changed)
    )


def booking_type_deleted(booking_type: Any, *, actor: Any) -> Event:
    return append(Kind.BOOKING_TYPE_DELETED, actor=actor, data=_type_data(booking_type))


def appointment_booked(
    appointment: Any, *, phone: str = "", assigned: str = "", rule: int | None = None
) -> Event:
    """`assigned`: how the agent was chosen (agent's own type: ""; a team's: "owner",
    "rule" with the routing rule's id, or "round_robin")."""
    return append(
        Kind.APPOINTMENT_BOOKED,
        conversation=appointment.conversation,
        actor_label="customer",
        data={
            "appointment": appointment.pk,
            "reference": appointment.reference,
            "booking_type": appointment.booking_type_id,
            "agent": appointment.agent_id,
            "start": appointment.start.isoformat(),
            "end": appointment.end.isoformat(),
            "time_zone": appointment.time_zone,
            "phone": phone,
            "assigned": assigned,
            "rule": rule,
        },
    )


def _appointment_event(kind: Kind, appointment: Any, *, actor: Any = None, **data: Any) -> Event:
    return append(
        kind,
        conversation=appointment.conversation,
        actor=actor,
        actor_label="" if actor is not None else "customer",
        data={"appointment": appointment.pk, "reference": appointment.reference, **data},
    )


def reminder_sent(reminder: Any) -> Event:
    return _appointment_event(
        Kind.REMINDER_SENT,
        reminder.appointment,
        channel=reminder.channel,
        before_minutes=reminder.before_minutes,
        version=reminder.version,
    )


def lost_connection(appointment: Any, *, side: str, actor: Any = None) -> Event:
    return _appointment_event(Kind.LOST_CONNECTION, appointment, actor=actor, side=side)


def appointment_missed(appointment: Any, *, party: str, reason: str, actor: Any = None) -> Event:
    return _appointment_event(
        Kind.APPOINTMENT_MISSED, appointment, actor=actor, party=party, reason=reason
    )


def missed_reason_given(appointment: Any, *, reason: str) -> Event:
    return _appointment_event(Kind.MISSED_REASON_GIVEN, appointment, reason=reason)


def _actor(actor: Any) -> dict[str, Any]:
    """An agent by user, the customer (through the manage link) by label."""
    return {"actor": actor} if actor is not None else {"actor_label": "customer"}


def appointment_rescheduled(appointment: Any, *, actor: Any, previous_start: Any) -> Event:
    return append(
        Kind.APPOINTMENT_RESCHEDULED,
        conversation=appointment.conversation,
        **_actor(actor),
        data={
            "appointment": appointment.pk,
            "reference": appointment.reference,
            "agent": appointment.agent_id,
            "previous_start": previous_start.isoformat(),
            "start": appointment.start.isoformat(),
            "end": appointment.end.isoformat(),
            "version": appointment.version,
            "reschedules": appointment.reschedules,
        },
    )


def appointment_cancelled(appointment: Any, *, actor: Any) -> Event:
    return append(
        Kind.APPOINTMENT_CANCELLED,
        conversation=appointment.conversation,
        **_actor(actor),
        data={
            "appointment": appointment.pk,
            "reference": appointment.reference,
            "agent": appointment.agent_id,
            "start": appointment.start.isoformat(),
            "version": appointment.version,
            "reason": appointment.cancel_reason,
        },
    )


def invitation_sent(email: Any) -> Event:
    return append(
        Kind.INVITATION_SENT,
        conversation=email.appointment.conversation,
        data={
            "appointment": email.appointment_id,
            "email": email.pk,
            "change": email.change,
            "sequence": email.version - 1,
        },
    )
