"""Reminders at the booking type's times: one Reminder row per (appointment, reminder,
version), written when the appointment is booked (and again by whatever moves it, for the
new version: `schedule`), sent by the sweep `send_due_reminders`.

At send time each reminder checks its appointment: not booked any more (cancelled,
missed) or moved (its version is not the reminder's) means no reminder. Sending writes the
OutgoingMessage rows and marks the reminder sent in ONE transaction, so a worker that dies
before it commits leaves the reminder to be taken again (lease expiry) with nothing
handed over, and one that dies after leaves nothing to take: one message either way."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from klient.core import work
from klient.core.sealing import seal
from klient.core.wiring import publish_on_commit

from . import events, messages, outbox
from .models import Appointment, AppointmentContact, Reminder

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
REMINDER_WORK = work.WorkKind(
    Reminder,
    policy=work.RetryPolicy(
        first_retry=timedelta(minutes=1), longest=timedelta(minutes=30), max_attempts=6
    ),
    ready=Reminder.State.SCHEDULED,
    held=Reminder.State.SENDING,
    failed=Reminder.State.FAILED,
    order_by=("next_attempt_at", "pk"),
)


def remember_contact(
    appointment: Appointment, *, token: str, phone: str = "", language: str = ""
) -> None:
    """Keep what the booking told us (phone, language, the sealed manage token) and
    schedule the reminders; in the booking's transaction."""
    AppointmentContact.objects.update_or_create(
        appointment=appointment,
        defaults={
            "phone": phone.strip()[:40],
            "language": language[:8],
            "manage_token_sealed": seal(token),
        },
    )
    schedule(appointment)


def schedule(appointment: Appointment, now: datetime | None = None) -> list[Reminder]:
    """The reminders of the appointment's current version whose time is still ahead
    (idempotent: an existing row is kept as it is)."""
    now = now or timezone.now()
    created = []
    for spec in appointment.booking_type.reminders:
        due = appointment.start - timedelta(minutes=int(spec["before_minutes"]))
        if due <= now:
            continue  # booked later than this reminder's time: the confirmation says it
        reminder, new = Reminder.objects.get_or_create(
            appointment=appointment,
            before_minutes=int(spec["before_minutes"]),
            channel=spec["channel"],
            version=appointment.version,
            defaults={"next_attempt_at": due},
        )
        if new:
            created.append(reminder)
    return created


def why_not(reminder: Reminder, appointment: Appointment) -> str:
    """ "" when the reminder may go, else why not."""
    if appointment.state != Appointment.State.BOOKED:
        return f"appointment {appointment.state}"
    if appointment.version != reminder.version:
        return "appointment moved"
    return ""


def _send(held: work.Claim, reminder_id: int) -> str:
    reminder = Reminder.objects.get(pk=reminder_id)
    appointment = Appointment.objects.select_related(
        "booking_type", "agent", "customer", "conversation"
    ).get(pk=reminder.appointment_id)
    reason = why_not(reminder, appointment)
    email = phone = ""
    if not reason:
        if reminder.channel == "sms":
            phone = messages.contact_of(appointment).phone
            reason = "no phone" if not phone else ""
            reason = reason or ("" if outbox.sms_configured() else "SMS webhook not set")
        else:
            customer = appointment.customer
            email = customer.primary_email() if customer is not None else ""
            reason = "" if email else "no email address"
    with held.pinned(), transaction.atomic():
        if reason:
            done = work.complete(held, reminder.pk, Reminder.State.SKIPPED, skip_reason=reason)
            return "skipped" if done else "busy"
        # Read again under a row lock: a cancel committed since the check above wins.
        fresh = (
            Appointment.objects.select_for_update()
            .filter(pk=appointment.pk)
            .values("state", "version")
            .get()
        )
        if fresh["state"] != Appointment.State.BOOKED or fresh["version"] != reminder.version:
            work.complete(held, reminder.pk, Reminder.State.SKIPPED, skip_reason="changed")
            return "skipped"
        now = timezone.now()
        if not work.complete(held, reminder.pk, Reminder.State.SENT, sent_at=now, last_error=""):
            return "busy"  # our lease ran out: another worker has it
        outbox.queue(
            appointment,
            messages.reminder(appointment),
            purpose="reminder",
            email=email,
            phone=phone,
            language=messages.language_of(appointment),
            reminder=reminder,
        )
        publish_on_commit(events.reminder_sent(reminder))
    return "sent"


def send_due_reminders(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: hand over the reminders that are due (and those whose
    worker died). Returns how many rows were handled."""
    now = now or timezone.now()

    def handle(held: work.Claim, ids: list[int]) -> None:
        work.each_row(held, ids, lambda pk: _send(held, pk), what="reminder", now=now)

    return work.drain_due(REMINDER_WORK, handle, now=now, batch=BATCH_SIZE, limit=limit)
