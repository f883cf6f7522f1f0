"""Booking types (what a customer may book with an agent or a team) and appointments.

Both are written only by klient.scheduling.actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem


class BookingType(models.Model):
    """A kind of meeting a customer can book: with one agent, or with any free member of a
    team. Times are minutes (days for the horizon), as the API exchanges them.

    A deleted booking type is kept (its appointments point at it) with `deleted_at` set;
    its slug is free again for a new type."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booking_types",
    )
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    location = models.CharField(
        max_length=500, blank=True, help_text="The video link, the phone number or the address."
    )
    duration_minutes = models.PositiveIntegerField()
    buffer_before_minutes = models.PositiveIntegerField(default=0)
    buffer_after_minutes = models.PositiveIntegerField(default=0)
    minimum_notice_minutes = models.PositiveIntegerField(default=0)
    horizon_days = models.PositiveIntegerField(default=60)
    step_minutes = models.PositiveIntegerField(default=30)
    max_per_day = models.PositiveIntegerField(null=True, blank=True)
    questions = models.JSONField(default=list, blank=True)  # [{"label", "required"}]
    cancel_notice_minutes = models.PositiveIntegerField(default=0)
    max_reschedules = models.PositiveIntegerField(default=3)
    reminders = models.JSONField(default=list, blank=True)  # [{"before_minutes", "channel"}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(agent__isnull=False, team__isnull=True)
                | Q(agent__isnull=True, team__isnull=False),
                name="booking_type_agent_xor_team",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(deleted_at__isnull=True),
                name="booking_type_live_slug_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


class Appointment(models.Model):
    """A booked meeting of one agent with a customer. `start`/`end` are UTC; the buffers
    are those of the booking type when it was booked (a later change to the type does not
    move existing appointments' buffers). `version` rises on every change, so work queued
    for an earlier version (a reminder) can tell it is stale."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        MISSED = "missed", _("Missed")
        DONE = "done", _("Done")

    # The states whose time is taken: they block slots and count towards per-day limits.
    BLOCKING = (State.BOOKED,)

    booking_type = models.ForeignKey(
        BookingType, on_delete=models.PROTECT, related_name="appointments"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    customer = models.ForeignKey(
        "people.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    buffer_before_minutes = models.PositiveIntegerField(default=0)
    buffer_after_minutes = models.PositiveIntegerField(default=0)
    # The buffered span, stored so the database can refuse two booked appointments of one
    # agent whose spans overlap (PostgreSQL: an exclusion constraint, migration 0002).
    blocked_from = models.DateTimeField(null=True)
    blocked_until = models.DateTimeField(null=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.BOOKED)
    version = models.PositiveIntegerField(default=1)
    reference = models.CharField(max_length=20, null=True, blank=True, unique=True)
    # sha256 of the manage link's token: the link itself is shown once, in the answer.
    manage_token_hash = models.CharField(max_length=64, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, help_text="The customer's zone.")
    answers = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, blank=True, help_text="The customer's language.")
    reschedules = models.PositiveIntegerField(default=0)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agent", "start"], name="appointment_agent_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_ends")
        ]

    def __str__(self) -> str:
        return f"{self.booking_type_id} {self.start:%Y-%m-%d %H:%M} UTC"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The stored buffered span is what the database compares: left empty it would be an
        # unbounded range on PostgreSQL, overlapping every other appointment of the agent.
        if self.blocked_from is None:
            self.blocked_from = self.buffered_start
        if self.blocked_until is None:
            self.blocked_until = self.buffered_end
        super().save(*args, **kwargs)

    @property
    def buffered_start(self) -> datetime:
        return self.start - timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffered_end(self) -> datetime:
        return self.end + timedelta(minutes=self.buffer_after_minutes)


class BookingLock(models.Model):
    """One row per agent, written first by every booking of that agent: concurrent
    bookings of one agent take turns (on SQLite the write serialises all writers), so the
    availability check and the insert that follows it see the same appointments."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    bookings = models.PositiveIntegerField(default=0)


class AppointmentContact(models.Model):
    """What a booking told us that later messages need and the appointment does not keep:
    the customer's phone (for SMS), the language they booked in, and the manage link's
    token, sealed (klient.core.sealing) so reminders and follow-ups can carry the link
    while the database alone cannot open it. Written once, by booking."""

    objects = models.Manager()  # named: mypy's Django plugin missed the implicit one here

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="contact"
    )
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)
    manage_token_sealed = models.TextField(blank=True)


class Reminder(WorkItem):
    """One reminder of one appointment's version: scheduled(next_attempt_at = its time) ->
    sending(lease_until) -> sent | skipped (cancelled, moved, no phone...) | failed.
    Unique per (appointment, before_minutes, channel, version): never twice."""

    objects = models.Manager()  # named: mypy's Django plugin missed the implicit one here

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")
        FAILED = "failed", _("Failed")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    before_minutes = models.PositiveIntegerField()
    channel = models.CharField(max_length=5)  # email | sms
    version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "before_minutes", "channel", "version"],
                name="reminder_once_per_version",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="reminder_due")]


class OutgoingMessage(WorkItem):
    """An email or SMS to a customer that scheduling hands over: queued -> sending ->
    sent | failed. A reminder is marked sent in the transaction that writes this row, so a
    worker dying mid-send re-drives the row, not the reminder (no second message)."""

    objects = models.Manager()  # named: mypy's Django plugin missed the implicit one here

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="outgoing_messages"
    )
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="message"
    )
    purpose = models.CharField(max_length=20)  # reminder | lost_connection | missed
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=320)
    language = models.CharField(max_length=8, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outgoing_due")]


class MissedAppointment(models.Model):
    """A meeting that did not happen, and why, if the customer told us. Context for the
    agent ("2 earlier appointments missed: power cut, power cut"), never a penalty."""

    objects = models.Manager()  # named: mypy's Django plugin missed the implicit one here

    class Party(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")

    class Reason(models.TextChoices):
        POWER_CUT = "power_cut", _("power cut")
        ILLNESS = "illness", _("illness")
        FORGOT = "forgot", _("forgot")
        OTHER = "other", _("other")

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="missed")
    party = models.CharField(max_length=8, choices=Party.choices)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    reason_given_at = models.DateTimeField(null=True, blank=True)


class AppointmentEmail(WorkItem):
    """One email to the customer about their appointment (booked, moved, cancelled) with
    its ICS invitation: durable work (klient.core.work), sent by
    klient.scheduling.invitation_mail. The email is built when it is sent, from the
    appointment as it was at `version` (the ICS SEQUENCE), so a retry says the same."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Change(models.TextChoices):
        BOOKED = "booked", _("Booked")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        CANCELLED = "cancelled", _("Cancelled")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="emails")
    change = models.CharField(max_length=12, choices=Change.choices)
    version = models.PositiveIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    to = models.CharField(max_length=320)
    # The manage link while the email waits (the token is known only when the customer
    # books or uses it); blanked once sent, since only its hash is kept otherwise.
    manage_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="appointment_email_due",
            )
        ]
