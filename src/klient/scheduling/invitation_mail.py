"""The customer's emails about an appointment (booked, moved, cancelled), each carrying
the ICS invitation (klient.scheduling.invitations) as `text/calendar; method=...` and as
the attachment invite.ics. Each is an AppointmentEmail work row written in the change's
transaction and handed to the relay by the sweep, through the path of the customer's
other emails that belong to no reply (klient.mail.system_mail.hand_over)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email import utils
from email.message import EmailMessage

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from klient.core import work
from klient.core.wiring import publish_on_commit
from klient.mail.account_mail import sender_address
from klient.mail.sending import OUTBOUND_POLICY, _address, _one_line
from klient.mail.system_mail import hand_over
from klient.people.languages import supported_language

from . import events, invitations, queries
from .models import Appointment, AppointmentEmail, BookingType

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
INVITATION_WORK = work.WorkKind(
    AppointmentEmail,
    policy=work.RetryPolicy(
        first_retry=timedelta(minutes=1), longest=timedelta(hours=1), max_attempts=8
    ),
    ready=AppointmentEmail.State.PENDING,
    held=AppointmentEmail.State.SENDING,
    failed=AppointmentEmail.State.FAILED,
    order_by=("next_attempt_at",),
)


def uid_of(appointment: Appointment) -> str:
    """One UID for the appointment's whole life: its reference never changes."""
    return f"appointment-{appointment.reference or appointment.pk}@{settings.KLIENT_MAIL_DOMAIN}"


def language_of(appointment: Appointment) -> str:
    customer = appointment.customer
    for code in (appointment.language, customer.language if customer else ""):
        if found := supported_language(code or ""):
            return found
    return settings.LANGUAGE_CODE


def customer_address(appointment: Appointment) -> str:
    customer = appointment.customer
    return (customer.reachable_at("email") or "") if customer else ""


def queue(
    appointment: Appointment, change: str, *, manage_url: str = ""
) -> AppointmentEmail | None:
    """In the change's transaction: the email telling the customer (none without an
    address). Its time and SEQUENCE are the appointment's now."""
    to = customer_address(appointment)
    if not to:
        return None
    return AppointmentEmail.objects.create(
        appointment=appointment,
        change=change,
        version=appointment.version,
        start=appointment.start,
        end=appointment.end,
        to=to,
        manage_url=manage_url,
        next_attempt_at=timezone.now(),
    )


def local_when(start: datetime, end: datetime, zone_name: str) -> str:
    """ "Monday 29 March 2027, 14:45–15:45 (Asia/Kathmandu, UTC+05:45)" in the active
    language: the customer's clock, with the zone named."""
    zone = queries.zone_named(zone_name) or queries.zone_named("UTC")
    a, b = start.astimezone(zone), end.astimezone(zone)
    offset = a.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    day = date_format(a, "l j E Y")
    return f"{day}, {a:%H:%M}–{b:%H:%M} ({zone_name or 'UTC'}, {offset})"


def where(booking_type: BookingType) -> str:
    """The place or link, from the booking type's kind: "Video call: https://…"."""
    labels: dict[str, str] = {
        BookingType.Kind.VIDEO: _("Video call: %s"),
        BookingType.Kind.PHONE: _("Phone call: %s"),
        BookingType.Kind.IN_PERSON: _("Address: %s"),
    }
    label = labels.get(booking_type.kind, "%s")
    return (
        label % booking_type.location
        if booking_type.location
        else str(booking_type.get_kind_display())
    )


def _organizer(appointment: Appointment) -> tuple[str, str]:
    conversation = appointment.conversation
    team = conversation.team if conversation is not None else None
    address = (
        team.inbound_address if team is not None and team.inbound_address else sender_address()
    )
    agent = appointment.agent
    return address, agent.get_full_name() or agent.email or (team.name if team else "")


def _texts(row: AppointmentEmail, when: str, agent_name: str) -> tuple[str, str]:
    appointment = row.appointment
    booking_type = appointment.booking_type
    name = appointment.customer.name if appointment.customer else ""
    values = {
        "type": booking_type.name,
        "agent": agent_name,
        "when": when,
        "where": where(booking_type),
        "reference": appointment.reference or "",
        "name": name,
    }
    if row.change == AppointmentEmail.Change.CANCELLED:
        subject = _("Cancelled: %(type)s on %(when)s") % values
        body = (
            _(
                "Hello %(name)s,\n\nyour appointment “%(type)s” with %(agent)s on %(when)s is "
                "cancelled. Your calendar will remove it with the attached invitation.\n\n"
                "Reference: %(reference)s"
            )
            % values
        )
        return subject, body
    if row.change == AppointmentEmail.Change.RESCHEDULED:
        subject = _("Moved: %(type)s, now on %(when)s") % values
        intro = (
            _("Hello %(name)s,\n\nyour appointment “%(type)s” with %(agent)s is moved to:") % values
        )
    else:
        subject = _("Booked: %(type)s on %(when)s") % values
        intro = (
            _("Hello %(name)s,\n\nyour appointment “%(type)s” with %(agent)s is booked:") % values
        )
    link = (
        _("To reschedule or cancel it: %s") % row.manage_url
        if row.manage_url
        else _("To reschedule or cancel it, use the link in your first confirmation email.")
    )
    body = "\n\n".join(
        [intro, f"{when}\n{values['where']}", link, _("Reference: %s") % values["reference"]]
    )
    return subject, body


def message_id_of(row: AppointmentEmail) -> str:
    """One Message-ID per email row, the same at every attempt (see `_send`)."""
    reference = (row.appointment.reference or "").lower()
    return f"<appointment.{reference}.{row.pk}@{settings.KLIENT_MAIL_DOMAIN}>"


def invitation_email(row: AppointmentEmail) -> EmailMessage:
    """The email for one change, in the customer's language, with the ICS of its SEQUENCE.

    Built the same at every attempt: its Message-ID, Date and the ICS's DTSTAMP come from
    the row, not the clock, so a copy sent again after a worker died is the same message
    (see `_send`)."""
    appointment = row.appointment
    organizer_email, organizer_name = _organizer(appointment)
    language = language_of(appointment)
    with translation.override(language):
        when = local_when(row.start, row.end, appointment.time_zone)
        subject, body = _texts(row, when, organizer_name)
        ics = invitations.build_ics(
            invitations.Invitation(
                uid=uid_of(appointment),
                sequence=row.version - 1,
                start=row.start,
                end=row.end,
                summary=appointment.booking_type.name,
                description=_("%(when)s. Reference: %(reference)s")
                % {"when": when, "reference": appointment.reference or ""},
                location=appointment.booking_type.location,
                organizer_email=organizer_email,
                organizer_name=organizer_name,
                attendee_email=row.to,
                attendee_name=appointment.customer.name if appointment.customer else "",
                stamp=row.created_at,
                cancelled=row.change == AppointmentEmail.Change.CANCELLED,
            )
        )
    method = (
        invitations.CANCEL
        if row.change == AppointmentEmail.Change.CANCELLED
        else invitations.REQUEST
    )
    email = EmailMessage(policy=OUTBOUND_POLICY)
    email["From"] = _address(organizer_email, organizer_name)
    email["To"] = _address(row.to)
    email["Subject"] = _one_line(subject)
    email["Date"] = utils.format_datetime(row.created_at)
    email["Message-ID"] = message_id_of(row)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(body, charset="utf-8")
    email.add_alternative(ics, maintype="text", subtype="calendar", params={"method": method})
    email.add_attachment(
        ics, maintype="text", subtype="calendar", filename="invite.ics", params={"method": method}
    )
    email["Content-Language"] = language
    return email


def _send(held: work.Claim, row_id: int) -> str:
    """Hand one email to the relay, then record it sent.

    SMTP has no exactly-once: if this worker dies after the relay accepted the message
    (its 250 answer to the end of DATA) and before `complete` commits, the row's lease
    runs out and the sweep sends it again. That second copy is the same message: the same
    Message-ID and Date (so mailboxes that drop a Message-ID they already hold, as Gmail
    does, show it once) and the same ICS, UID, SEQUENCE and DTSTAMP (so a calendar applies
    the same update and ends in the same state). The window is the one commit after the
    relay's answer; a copy needs a worker to die exactly there, and at most one copy per
    such death (the row's attempts are bounded: INVITATION_WORK.policy.max_attempts)."""
    row = AppointmentEmail.objects.select_related(
        "appointment__booking_type",
        "appointment__agent",
        "appointment__customer",
        "appointment__conversation__team",
    ).get(pk=row_id)
    try:
        email = invitation_email(row)
    except ValueError as exc:
        return work.fail(
            held, row.pk, row.attempts, f"cannot build the email: {exc}", permanent=True
        )
    outcome, error = hand_over(email, email["From"].addresses[0].addr_spec, [row.to])
    if outcome != "sent":
        return work.fail(held, row.pk, row.attempts, error, permanent=outcome != "retry")
    with held.pinned(), transaction.atomic():
        if not work.complete(
            held,
            row.pk,
            AppointmentEmail.State.SENT,
            sent_at=timezone.now(),
            manage_url="",
            last_error="",
        ):
            return "busy"
        publish_on_commit(events.invitation_sent(row))
    return "sent"


def send_due_invitations(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: hand the waiting appointment emails to the relay, in the
    order they were written (a cancellation never overtakes its booking's email)."""
    now = now or timezone.now()

    def handle(held: work.Claim, ids: list[int]) -> None:
        work.each_row(held, ids, lambda pk: _send(held, pk), what="appointment email", now=now)

    return work.drain_due(INVITATION_WORK, handle, now=now, batch=BATCH_SIZE, limit=limit)
