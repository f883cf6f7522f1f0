"""Recurring topics of a team's customer messages, their weekly volumes, and the
corrective actions managers turn them into.

Topics are written only by the recomputation (klient.voice.refresh), a durable work row
per team (`TopicRefresh`); corrective actions only by klient.voice.actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem


class Topic(models.Model):
    """One recurring topic of a team's messages in one language. Its id survives every
    recomputation that finds it again (topics.match on `signature`); one found no more
    keeps its row, its history and its actions, with `active` off."""

    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="topics")
    language = models.CharField(max_length=8)
    label = models.JSONField(default=list, help_text="Its characteristic words, as written.")
    signature = models.JSONField(default=dict, help_text="term -> weight, to recognise it.")
    volume = models.PositiveIntegerField(default=0, help_text="Messages in the window.")
    trend = models.CharField(max_length=10, blank=True)
    active = models.BooleanField(default=True)
    first_seen = models.DateField()
    last_seen = models.DateField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["team", "active", "-volume"], name="topic_team")]

    def __str__(self) -> str:
        return f"topic #{self.pk} ({self.language}): {', '.join(self.label)}"

    @property
    def title(self) -> str:
        return ", ".join(self.label)


class TopicWeek(models.Model):
    """How many of a topic's messages arrived in one ISO week (`week` is its Monday)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="weeks")
    week = models.DateField()
    volume = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "week"], name="topic_week_unique"),
        ]

    def __str__(self) -> str:
        return f"topic #{self.topic_id} week of {self.week}: {self.volume}"


class TopicMessage(models.Model):
    """A message (or a call's transcript) of a topic, as of the latest recomputation."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="messages")
    message = models.ForeignKey(
        "conversations.Message", on_delete=models.CASCADE, related_name="topic_links"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="topic_links"
    )
    week = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message"], name="topic_message_unique"),
        ]
        indexes = [models.Index(fields=["topic", "week"], name="topic_message_week")]

    def __str__(self) -> str:
        return f"message #{self.message_id} in topic #{self.topic_id}"


class TopicRefresh(WorkItem):
    """The durable work of recomputing one team's topics: pending (due next_attempt_at,
    a little after the messages that asked for it, so a burst is one recomputation) ->
    running (lease_until) -> done (refreshed_at)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Due")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    team = models.OneToOneField("people.Team", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # The latest message that asked for a recomputation: one that came while a run was
    # under way (after it read the messages) makes the row due again, not done.
    requested_at = models.DateTimeField()
    messages = models.PositiveIntegerField(default=0, help_text="Read by the last run.")

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="topic_refresh_due",
                condition=models.Q(state__in=["pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"topic refresh of team #{self.team_id} ({self.state})"


class CorrectiveAction(models.Model):
    """What a manager decided to change about a topic: an owner, a due date, a
    description and the conversations that show the problem; closed by its owner with
    what was changed (`resolution`)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="corrective_actions_created",
    )
    description = models.TextField()
    due_date = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(blank=True, help_text="What was changed, by the owner.")
    conversations = models.ManyToManyField(
        "conversations.Conversation", blank=True, related_name="corrective_actions"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "due_date"], name="corrective_action_due")]

    def __str__(self) -> str:
        return f"corrective action #{self.pk} on topic #{self.topic_id} ({self.state})"
