"""Phone calls (each one a message of its conversation's timeline), the receipts of
telephony webhooks, and callbacks the desk owes a customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    """One phone call with a customer. Its timeline message is `message` (an inbound
    customer message for a call to the desk, the agent's logged call for one from it);
    this row keeps what the message does not: numbers, times, outcome, recording.

    A provider's call id names one call: every later event of it (answered, ended, a
    late "ended" after "hung up") updates this row, never adds another."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class State(models.TextChoices):
        STARTED = "started", _("Ringing")
        ANSWERED = "answered", _("In progress")
        ENDED = "ended", _("Ended")
        MISSED = "missed", _("Missed")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Missed")
        VOICEMAIL = "voicemail", _("Voicemail")
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Busy")

    provider = models.CharField(
        max_length=20, help_text="generic, twilio, vonage, aircall, or manual"
    )
    provider_call_id = models.CharField(max_length=200, blank=True)
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="calls"
    )
    message = models.OneToOneField(
        "conversations.Message", on_delete=models.PROTECT, related_name="call"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    from_number = models.CharField(max_length=32, help_text="E.164")
    to_number = models.CharField(max_length=32, help_text="E.164")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phone_calls",
    )
    state = models.CharField(max_length=10, choices=State.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recording_url = models.URLField(max_length=2000, blank=True)
    recording_blob = models.CharField(
        max_length=64, blank=True, help_text="sha256 of a recording file kept by Klient"
    )
    transcript = models.TextField(blank=True)
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_call_id"],
                condition=~models.Q(provider_call_id=""),
                name="call_unique_provider_id",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "started_at"], name="call_conv")]

    def __str__(self) -> str:
        return f"{self.direction} call {self.from_number} -> {self.to_number} ({self.state})"


class WebhookReceipt(models.Model):
    """A telephony delivery already taken: by its webhook id (Standard Webhooks' header)
    and by the call event it reports. A second delivery with either key changes nothing.
    Written in the transaction that records the call, so a failure keeps neither."""

    provider = models.CharField(max_length=20)
    key = models.CharField(max_length=300, help_text='"id:<webhook id>" or "event:<call event>"')
    call = models.ForeignKey(Call, null=True, on_delete=models.CASCADE, related_name="receipts")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="webhook_receipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.key}"


class Callback(models.Model):
    """A call the desk owes a customer, inside their preferred window: a due item with
    its own SLA target (due_at), listed in "Callbacks due" until reached or given up."""

    class State(models.TextChoices):
        DUE = "due", _("Due")
        REACHED = "reached", _("Reached")
        GIVEN_UP = "given_up", _("Given up")

    class Source(models.TextChoices):
        MISSED_CALL = "missed_call", _("Missed call")
        API = "api", _("Requested")
        PORTAL = "portal", _("Portal")
        FORM = "form", _("Request form")
        PHONE_NOTE = "phone_note", _("Phone note")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="callbacks"
    )
    customer = models.ForeignKey(
        "people.Customer", on_delete=models.PROTECT, related_name="callbacks"
    )
    phone = models.CharField(max_length=32, help_text="E.164")
    source = models.CharField(max_length=12, choices=Source.choices)
    call = models.OneToOneField(
        Call,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callback",
        help_text="The missed call this callback answers, if one.",
    )
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DUE)
    due_at = models.DateTimeField(help_text="The next attempt is due then.")
    target_at = models.DateTimeField(help_text="Its own SLA target: the attempt by then.")
    attempts = models.PositiveSmallIntegerField(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], name="callback_due", condition=models.Q(state="due")),
        ]

    def __str__(self) -> str:
        return f"callback to {self.phone} ({self.state})"


class CallbackAttempt(models.Model):
    """One try at calling the customer back, and how it went."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Voicemail")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    callback = models.ForeignKey(Callback, on_delete=models.PROTECT, related_name="attempt_rows")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    note = models.TextField(blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callback_attempts",
    )
    at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="What the customer was told, if another is due."
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"attempt on {self.callback_id}: {self.outcome}"
