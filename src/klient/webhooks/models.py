"""Webhook endpoints, their deliveries (durable work: one per endpoint and message) and the
log of each delivery's attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem


class Endpoint(models.Model):
    """A URL an administrator subscribed to some event types. Its secret is sealed
    (core.sealing); during a rotation the previous one stays valid until
    previous_secret_until, and both sign."""

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=500, blank=True)
    events = models.JSONField(default=list)  # event type names (EventKind values)
    secret_sealed = models.TextField()
    previous_secret_sealed = models.TextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    # The last Event id when it was created: it is told about later events only.
    events_after = models.BigIntegerField(default=0)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"webhook {self.pk} → {self.url}"


class Delivery(WorkItem):
    """One message to one endpoint: its webhook-id and body are fixed when it is queued, so
    every retry and replay sends the same message (the receiver dedupes by webhook-id).
    At most one per (endpoint, event): the fan-out handler may run twice for an event."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    webhook_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id} ({self.event_type}) → endpoint {self.endpoint_id}: {self.state}"


class Attempt(models.Model):
    """One HTTP attempt of a delivery: what the receiver answered and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivery", "-id"], name="webhook_attempt_log")]


class EventCursor(models.Model):
    """How far the events sweep has read the event log (one row). Events a domain appends
    without publishing them reach no handler; the sweep fans them out from here."""

    position = models.BigIntegerField(default=0)
