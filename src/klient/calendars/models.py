"""Stored working hours: a team's (its business hours, which the SLA counts) or an
agent's. One shape for both (klient.calendars.spec); written only by
klient.calendars.actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from klient.calendars.calendar import BusinessCalendar
from klient.calendars.spec import HoursSpec


class WorkingHoursConfig(models.Model):
    """The working time of exactly one team or one agent. ``hours`` maps a weekday ("0" =
    Monday) to a list of ["HH:MM", "HH:MM"] intervals; ``closures`` is a list of ISO dates;
    ``extra_working_days`` maps an ISO date to its intervals.

    An agent without a row of their own works their first team's hours (the team they
    joined first, see klient.people.queries.agent_calendar)."""

    team = models.OneToOneField(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    # Users are deactivated, not deleted: an agent's row must not disappear with them.
    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="working_hours",
    )
    time_zone = models.CharField(max_length=64, default="Europe/Warsaw")
    hours = models.JSONField(default=dict)
    country = models.CharField(max_length=2, blank=True)
    subdivision = models.CharField(max_length=10, blank=True)
    closures = models.JSONField(default=list, blank=True)
    extra_working_days = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(team__isnull=False, agent__isnull=True)
                    | models.Q(team__isnull=True, agent__isnull=False)
                ),
                name="working_hours_team_xor_agent",
            ),
        ]

    def __str__(self) -> str:
        if self.team_id is not None:
            return f"working hours of team #{self.team_id}"
        return f"working hours of agent #{self.agent_id}"

    def spec(self) -> HoursSpec:
        return HoursSpec.of(self)

    def calendar(self) -> BusinessCalendar:
        """The pure calendar; raises ValueError when the configuration is invalid."""
        return self.spec().calendar()
