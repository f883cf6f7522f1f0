"""A customer message's sentiment (one row per inbound customer message) and recovery tasks:
a relationship at risk, given to a manager to win the customer back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageSentiment(models.Model):
    """What the analyser said about a message's new text, in its detected language."""

    message = models.OneToOneField(
        "conversations.Message",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sentiment",
    )
    label = models.CharField(max_length=10)
    score = models.FloatField()
    at_risk = models.BooleanField(default=False)
    # The analyser's findings, [{"kind", "quote", "start", "end", "weight", "negated"}], plus
    # the conversation's own reasons ("after_broken_promise", "after_breach").
    reasons = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, blank=True)
    analysed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.label} ({self.score:+.2f}) on message #{self.message_id}"

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "score": self.score,
            "at_risk": self.at_risk,
            "reasons": list(self.reasons),
        }


class RecoveryTask(models.Model):
    """One per conversation while it is open: repeated angry messages add nothing new."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="recovery_tasks"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # Why the relationship is at risk: [{"kind", "quote", "source", ...}].
    reasons = models.JSONField(default=list)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recovery_tasks",
    )
    due_at = models.DateTimeField()
    source_message = models.ForeignKey(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What opened it, so a retried handler finds its own task: "message:<id>", "survey:<id>".
    source_key = models.CharField(max_length=60)
    outcome = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(state="open"),
                name="recovery_one_open_per_conversation",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="recovery_state_due")]

    def __str__(self) -> str:
        return f"recovery task #{self.pk} ({self.state})"
