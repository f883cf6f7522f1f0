"""Routing's state: the rules, the channel weights, round-robin cursors, the queue of work
nobody could take, and the coverage of an away owner's conversations by their substitute.

Written only by klient.routing.actions and klient.routing.coverage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem

from . import decide


class RoutingRule(models.Model):
    """One rule, tried in `position` order: every condition given must match (an empty
    list matches anything); the first match picks the pool and the strategy."""

    class Strategy(models.TextChoices):
        OWNER_FIRST = decide.OWNER_FIRST, _("Owner first")
        ROUND_ROBIN = decide.ROUND_ROBIN, _("Round-robin")
        LEAST_LOAD = decide.LEAST_LOAD, _("Least load")

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    teams = models.JSONField(default=list, blank=True)  # team ids (the endpoint's team)
    channels = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    organisations = models.JSONField(default=list, blank=True)  # organisation ids
    tiers = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    pick_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pick_skill = models.CharField(max_length=60, blank=True)
    pick_language = models.CharField(max_length=8, blank=True)
    strategy = models.CharField(
        max_length=12, choices=Strategy.choices, default=Strategy.OWNER_FIRST
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ChannelWeight(models.Model):
    """How much of an agent's capacity one open conversation of a channel takes; a channel
    without a row weighs decide.DEFAULT_WEIGHTS."""

    channel = models.CharField(max_length=10, unique=True)
    weight = models.FloatField()

    def __str__(self) -> str:
        return f"{self.channel}: {self.weight}"


class RoundRobinCursor(models.Model):
    """The agent a pool last gave round-robin work to."""

    pool = models.CharField(max_length=40, unique=True)
    agent_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.pool} -> {self.agent_id}"


class QueuedConversation(models.Model):
    """A conversation routing could give nobody: it waits until an agent can take it
    (klient.routing.actions.drain_queue: oldest and most urgent first)."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="routing_queue"
    )
    queued_at = models.DateTimeField()
    reason = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["queued_at"], name="routing_queue_oldest")]

    def __str__(self) -> str:
        return f"conversation #{self.conversation_id} queued ({self.reason})"


class Coverage(WorkItem):
    """A conversation of an away owner given to their substitute for the absence.

    Durable work due at the absence's end (next_attempt_at): pending -> ending(lease) ->
    returned (back to the owner) | kept (the substitute answered since, so it stays
    theirs). The customer is told who covers once per conversation (told_at)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Covering")
        ENDING = "ending", _("Handing back")
        RETURNED = "returned", _("Handed back")
        KEPT = "kept", _("Kept by the substitute")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="coverages"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    absence = models.ForeignKey(
        "people.Absence", null=True, on_delete=models.SET_NULL, related_name="coverages"
    )
    started_at = models.DateTimeField()
    told_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="coverage_due",
                condition=models.Q(state__in=["pending", "ending"]),
            ),
            models.Index(fields=["conversation", "state"], name="coverage_conversation"),
        ]

    def __str__(self) -> str:
        return f"coverage of conversation #{self.conversation_id} ({self.state})"


class Offer(WorkItem):
    """Real-time work (a chat, a call, a callback due now) given to an agent: if they have
    not taken it up (answered, or handed it on) by next_attempt_at, it goes to the next
    agent (klient.routing.offers). pending -> checking(lease) -> taken | passed."""

    class State(models.TextChoices):
        PENDING = "pending", _("Offered")
        CHECKING = "checking", _("Checking")
        TAKEN = "taken", _("Taken")
        PASSED = "passed", _("Passed on")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="routing_offers"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10)
    offered_at = models.DateTimeField()
    passed_over = models.JSONField(default=list, blank=True)  # earlier agents, ids
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="offer_due",
                condition=models.Q(state__in=["pending", "checking"]),
            ),
        ]

    def __str__(self) -> str:
        return f"offer of conversation #{self.conversation_id} to #{self.agent_id} ({self.state})"
