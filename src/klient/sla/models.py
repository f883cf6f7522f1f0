"""SLA policies and each conversation's stored clock state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class SlaPolicy(models.Model):
    """Promises for the conversations it matches. Policies are tried in `position` order;
    the first whose rules all match applies (an empty rule matches anything)."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0, help_text="Lower is tried first.")
    active = models.BooleanField(default=True)
    # Match rules.
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    organisation = models.ForeignKey(
        "people.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tag = models.CharField(
        max_length=100, blank=True, help_text="Reserved: conversations have no tags yet."
    )
    # Targets in minutes; empty means no such target.
    first_reply_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_reply_minutes = models.PositiveIntegerField(null=True, blank=True)
    periodic_update_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_time = models.BooleanField(
        default=True, help_text="Count the team's business hours, else calendar time."
    )
    warning_percent = models.PositiveSmallIntegerField(default=75)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warning_percent__gte=1, warning_percent__lte=100),
                name="sla_policy_warning_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    """One step a policy takes when one of its targets is about to be, or has been, missed.

    A step fires once per cycle of its target (a new customer message opens a new
    next-reply cycle), `delay_minutes` after the warning or breach that triggers it."""

    class Trigger(models.TextChoices):
        WARNING = "warning", pgettext_lazy("escalation step", "warning")
        BREACH = "breach", pgettext_lazy("escalation step", "breach")

    class Target(models.TextChoices):
        ANY = "any", pgettext_lazy("escalation step", "any target")
        FIRST_REPLY = "first_reply", pgettext_lazy("escalation step", "first reply")
        NEXT_REPLY = "next_reply", pgettext_lazy("escalation step", "next reply")
        UPDATE = "update", pgettext_lazy("escalation step", "periodic update")
        RESOLUTION = "resolution", pgettext_lazy("escalation step", "resolution")

    class Action(models.TextChoices):
        NOTIFY_ASSIGNEE = "notify_assignee", pgettext_lazy("escalation step", "notify the assignee")
        NOTIFY_TEAM_LEAD = (
            "notify_team_lead",
            pgettext_lazy("escalation step", "notify the team lead"),
        )
        RAISE_PRIORITY = "raise_priority", pgettext_lazy("escalation step", "raise the priority")
        REASSIGN = "reassign", pgettext_lazy("escalation step", "reassign to the fallback")

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="escalation_steps")
    position = models.PositiveIntegerField(default=0)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.BREACH)
    target = models.CharField(max_length=12, choices=Target.choices, default=Target.ANY)
    delay_minutes = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=20, choices=Action.choices)
    email = models.BooleanField(default=True, help_text="Notifications also go out by email.")
    fallback_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fallback_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["policy", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {self.trigger} of {self.target}"


class ConversationSla(models.Model):
    """The clock of one conversation as last computed from its events (klient.sla.clock).

    Written only by klient.sla.actions and klient.sla.scheduler. `next_due_at` is the single
    timer: the next warning or breach moment, empty when nothing runs."""

    conversation = models.OneToOneField(
        "conversations.Conversation",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="sla",
    )
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    first_reply_due = models.DateTimeField(null=True, blank=True)
    next_reply_due = models.DateTimeField(null=True, blank=True)
    update_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="The earliest of the running targets' due times."
    )
    first_reply_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    paused_since = models.DateTimeField(null=True, blank=True)
    pause_seconds = models.BigIntegerField(
        default=0, help_text="Accumulated closed pauses (pending, on hold), wall clock."
    )
    stopped = models.BooleanField(default=False, help_text="Solved or closed.")
    breached = models.JSONField(
        default=list, blank=True, help_text="Targets whose open cycle is past due."
    )
    emitted = models.JSONField(
        default=list, blank=True, help_text="Keys of the warnings and breaches already emitted."
    )
    next_due_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "conversation SLA"
        indexes = [
            models.Index(
                fields=["next_due_at"],
                name="sla_next_due",
                condition=models.Q(next_due_at__isnull=False),
            ),
            models.Index(
                fields=["due_at"], name="sla_due", condition=models.Q(due_at__isnull=False)
            ),
            # Reports select a window of started_at.
            models.Index(
                fields=["started_at"],
                name="sla_started",
                condition=models.Q(started_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"SLA of conversation #{self.conversation_id}"


class PendingEscalation(models.Model):
    """One escalation step due for one cycle of one conversation's target: the durable
    timer of a step (`due_at` = the warning or breach moment + the step's delay), and its
    idempotency key (step, conversation, target, cycle start). Written and fired only by
    klient.sla.escalation."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        DONE = "done", "done"
        SKIPPED = "skipped", "skipped"
        FAILED = "failed", "failed"

    step = models.ForeignKey(EscalationStep, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(max_length=20, help_text="The clock's target name.")
    cycle_started_at = models.DateTimeField()
    triggered_at = models.DateTimeField(help_text="The warning or breach moment.")
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    plan = models.JSONField(
        null=True, blank=True, help_text="The change decided at the first attempt, reused."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["step", "conversation", "target", "cycle_started_at"],
                name="sla_escalation_once_per_cycle",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="sla_escalation_due",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"step #{self.step_id} for conversation #{self.conversation_id}"


# -- outcomes of target cycles (h10) ----------------------------------------------------------


class SlaOutcome(models.Model):
    """How one cycle of one target ended: met, breached or cancelled (docs/sla.md,
    "Outcomes"). Written only by klient.sla.actions, in the transaction that stores the
    clock state; at most one row per cycle. `team`, `assignee` and `policy` are the ones the
    conversation had at `ended_at`, so reports credit whoever had it then."""

    class Outcome(models.TextChoices):
        MET = "met", "met"
        BREACHED = "breached", "breached"
        CANCELLED = "cancelled", "cancelled"

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(max_length=20, help_text="The clock's target name.")
    cycle_started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(
        help_text="When the outcome was decided: the answer or solve, the due moment, the end."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Read from the event log, which may name a team or agent deleted since: no database
    # constraint, so recording an old outcome never fails on them.
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "target", "cycle_started_at"],
                name="sla_outcome_once_per_cycle",
            ),
        ]
        # Reports select a window of ended_at.
        indexes = [models.Index(fields=["ended_at"], name="sla_outcome_ended")]

    def __str__(self) -> str:
        return f"{self.target} {self.outcome} for conversation #{self.conversation_id}"
