"""Asking a colleague about a conversation, and follow-ups that reopen a solved one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ColleagueRequest(models.Model):
    """A question about a conversation, asked of one agent or of a team (any member may
    take it). While it is open it is also a grant: its assignee may read that one
    conversation through the request page, even outside their teams (see access.py)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CANCELLED = "cancelled", _("Cancelled")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="colleague_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="colleague_requests",
    )
    asked_team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="colleague_requests",
    )
    question = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asked_agent__isnull=False, asked_team__isnull=True)
                | Q(asked_agent__isnull=True, asked_team__isnull=False),
                name="colleague_request_one_target",
            ),
        ]
        indexes = [
            models.Index(
                fields=["asked_agent", "created_at"],
                name="collab_open_agent",
                condition=Q(state="open"),
            ),
            models.Index(
                fields=["asked_team", "created_at"],
                name="collab_open_team",
                condition=Q(state="open"),
            ),
            models.Index(fields=["conversation", "state"], name="collab_conversation"),
            models.Index(fields=["answered_at"], name="collab_answered_at"),
        ]

    def __str__(self) -> str:
        return f"colleague request #{self.pk} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def assignee(self) -> object | None:
        """Who answers it: the agent asked, or the team member who took it."""
        return self.asked_agent or self.taken_by


class FollowUp(models.Model):
    """ "Check back in N days": a due-time row. If the customer has not written by then and
    the conversation is still solved, the sweep reopens it with a note.

    scheduled(due_at) -> firing(lease_until) -> fired | cancelled"""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        FIRING = "firing", _("Reopening")
        FIRED = "fired", _("Reopened")
        CANCELLED = "cancelled", _("Cancelled")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="follow_ups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    days = models.PositiveSmallIntegerField()
    solved_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(state__in=["scheduled", "firing"]),
                name="followup_one_pending_per_conversation",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="followup_due", condition=Q(state="scheduled")),
            models.Index(
                fields=["lease_until"], name="followup_firing", condition=Q(state="firing")
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up #{self.pk} ({self.state})"
