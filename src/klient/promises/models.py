"""A promise an agent made to a customer in a reply or note-to-customer, tracked until it
is kept or broken (issue 17, item 3).

offered: detected in a sent message, waiting for the agent's one-click confirmation;
open: confirmed, due at `due_at` (durable work: klient.promises.tracking breaks it then);
kept: what was promised happened (a reply, a call, a booking, a resolution) or was marked
kept; broken: the due time passed first; dismissed: the agent said it was no promise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.conversations.models import Conversation, Message
from klient.people.models import Team


class Promise(models.Model):
    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")
        DISMISSED = "dismissed", _("Dismissed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="promises"
    )
    # A reply undone before it went out is deleted: its promises were never made.
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="promises")
    # Who promised and for which team, kept as they were when promised (for the report).
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promises",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="promises"
    )
    start = models.PositiveIntegerField(help_text="Offset of the quote in the message's text.")
    end = models.PositiveIntegerField()
    quote = models.TextField()
    due_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    created_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    # Durable work (klient.core.work): an open promise is due at due_at.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "start"], name="promise_once_per_span"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="promise_due"),
            models.Index(fields=["conversation", "state"], name="promise_conversation"),
        ]

    def __str__(self) -> str:
        return f"promise #{self.pk} ({self.state}) in {self.conversation_id}"
