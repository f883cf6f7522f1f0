"""The append-only audit log every state change writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Event(models.Model):
    """One state change. Rows are only ever inserted: timelines, SLA history and reports
    are read from here, so a number that cannot be traced back to events is wrong."""

    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The agent who caused the change; empty for the customer or the system.",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["conversation", "at", "id"], name="event_conv_at"),
            models.Index(fields=["kind", "at"], name="event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class PendingEvent(models.Model):
    """An event whose handlers (core.wiring.EVENT_HANDLERS) have not run yet: the outbox.
    Written in the transaction that appends the event, so a committed event always has its
    row; deleted once its handlers ran. Workers claim rows under a lease, in event order."""

    event = models.OneToOneField(
        Event, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    queued_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"pending event {self.event_id}"
