"""Automation rules, the timers of time rules, and the record of every firing.

Written only by klient.automations.actions (rules) and klient.automations.engine
(timers, firings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rule(models.Model):
    """One rule as the API gives it: `when` ({"event"} or {"after"}), `conditions` (the
    body's "if"), `actions` (its "then"). `event` and `since` repeat what `when` says, so
    the handler and the scheduler find the rules concerned by an index, not by reading
    every rule's JSON."""

    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    when = models.JSONField()
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list)
    event = models.CharField(max_length=60, blank=True, help_text="An event rule's event.")
    since = models.CharField(max_length=30, blank=True, help_text="A time rule's start.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["event"], name="automation_rule_event", condition=Q(active=True)),
            models.Index(fields=["since"], name="automation_rule_since", condition=Q(active=True)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How events and the timeline name what it did."""
        return f"automation #{self.pk}: {self.name}"[:200]

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "when": self.when,
            "if": self.conditions,
            "then": self.actions,
            "active": self.active,
        }


class Timer(models.Model):
    """A time rule's moment for one conversation: scheduled when the conversation entered
    the rule's state (`moment`), due `minutes` (business) minutes later. At most one per
    rule, conversation and moment, so a rule fires at most once per moment.

    scheduled(due_at) -> firing(lease_until) -> fired | skipped (conditions no longer
    hold) | cancelled (the conversation left the state before it was due)"""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        FIRING = "firing", _("Firing")
        FIRED = "fired", _("Fired")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="timers")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    # The rule's updated_at when this was scheduled: an edited rule's older timers never fire.
    rule_version = models.DateTimeField()
    since = models.CharField(max_length=30)
    moment = models.DateTimeField()
    # The automation that moved the conversation into the state, if one did: the firing
    # continues its chain (klient.automations.chains), so loops through timers stop too.
    cause = models.JSONField(null=True, blank=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "conversation", "moment"], name="automation_timer_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="automation_timer_due", condition=Q(state="scheduled")
            ),
            models.Index(
                fields=["lease_until"], name="automation_timer_firing", condition=Q(state="firing")
            ),
            models.Index(
                fields=["conversation"],
                name="automation_timer_conv",
                condition=Q(state="scheduled"),
            ),
        ]

    def __str__(self) -> str:
        return f"timer of rule #{self.rule_id} on #{self.conversation_id} ({self.state})"


class Firing(models.Model):
    """A rule ran (or was stopped) on a conversation for one triggering moment: an event
    (`event:<id>`) or a timer (`timer:<id>`). Unique, so a redelivered event or a timer
    taken over after a lost lease never runs a rule twice."""

    class Outcome(models.TextChoices):
        FIRED = "fired", _("Fired")
        NOT_MATCHED = "not_matched", _("Conditions did not hold")
        LOOP_STOPPED = "loop_stopped", _("Stopped: a loop between rules")

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    moment = models.CharField(max_length=40)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    depth = models.PositiveSmallIntegerField(default=1)
    chain = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "conversation", "moment"], name="automation_firing_once"
            ),
        ]

    def __str__(self) -> str:
        return f"rule #{self.rule_id} on #{self.conversation_id} at {self.moment}: {self.outcome}"
