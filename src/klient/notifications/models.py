"""In-app notifications for agents, each optionally mirrored by an email."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from klient.core.texts import word


class Notification(models.Model):
    """Something an agent must see: a mention, a question from a colleague, an escalation.

    The row is the in-app notification; `email_state` tracks the optional email copy, which
    the mail domain sends through the relay (a durable work row, like a delivery).

    What it says is `kind` and `params`, worded when it is read or emailed, in the reader's
    language (`worded()`, klient.core.texts). `text` is that wording in English, kept for
    the logs and the day a wording is gone; a row without params (older ones, free texts)
    says `text` as it was written."""

    class EmailState(models.TextChoices):
        NONE = "none", "not emailed"
        PENDING = "pending", "waiting to be sent"
        SENT = "sent", "sent"
        FAILED = "failed", "failed for good"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField()
    params = models.JSONField(
        null=True,
        blank=True,
        help_text="What it says, as data, worded when read; empty: `text` as written.",
    )
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_lease_until = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["email_next_attempt_at"],
                name="notification_email_due",
                condition=models.Q(email_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user #{self.recipient_id}"

    def worded(self) -> str:
        """What it says, in the active language (the caller activates the reader's)."""
        return word(self.kind, self.params, fallback=self.text)
