"""Satisfaction surveys (CSAT): a team's settings, and one survey per conversation.

A Survey is the durable work row that sends the email (scheduled(next_attempt_at) ->
sending(lease_until) -> sent | failed | cancelled) and, once sent, the one answer the
customer gives on the public page (`rating`, `comment`). It is unique per conversation:
a conversation solved again never gets a second survey (docs/surveys.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem

from .rules import FIVE, GOOD_BAD


class CsatSettings(models.Model):
    """A team's survey settings; a team without a row has the defaults (disabled)."""

    class Scale(models.TextChoices):
        GOOD_BAD = GOOD_BAD, _("Good or bad")
        FIVE = FIVE, _("1 to 5")

    team = models.OneToOneField("people.Team", on_delete=models.CASCADE, related_name="csat")
    enabled = models.BooleanField(default=False)
    delay_minutes = models.PositiveIntegerField(default=0)
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.GOOD_BAD)
    ask_comment = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"CSAT settings of team #{self.team_id}"


class Survey(WorkItem):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Not sent: reopened before it was due, an automatic conversation, no address or
        # a bounced one (skip_reason says which).
        CANCELLED = "cancelled", _("Not sent")

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="survey"
    )
    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="surveys")
    # The conversation's assignee when it was solved: whom the answer counts for.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="csat_surveys",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    scale = models.CharField(max_length=10, choices=CsatSettings.Scale.choices)
    ask_comment = models.BooleanField(default=False)
    email = models.CharField(max_length=320, blank=True)
    language = models.CharField(max_length=8, blank=True)
    # The link's token is derived from the nonce with the secret key; only its hash is kept.
    nonce = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    solved_at = models.DateTimeField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(max_length=100, blank=True)
    rating = models.CharField(max_length=5, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # the first answer
    changed_at = models.DateTimeField(null=True, blank=True)  # the latest change

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="survey_due",
                condition=models.Q(state__in=["scheduled", "sending"]),
            ),
            models.Index(fields=["answered_at"], name="survey_answered"),
        ]

    def __str__(self) -> str:
        return f"survey #{self.pk} of conversation #{self.conversation_id} ({self.state})"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
