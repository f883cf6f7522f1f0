"""Demo service levels: business hours for the demo teams and two policies with
escalation, so the demo inbox shows due times, warnings and honest acknowledgements."""

from __future__ import annotations

from typing import Any

from klient.calendars.actions import save_team_hours
from klient.calendars.models import WorkingHoursConfig
from klient.people.models import Team
from klient.sla.admin_actions import save_policy
from klient.sla.models import SlaPolicy

WEEKDAYS_8_TO_18 = {day: [("08:00", "18:00")] for day in range(5)}
HOURS = {
    "Support": {"time_zone": "Europe/Warsaw", "country": "PL"},
    "Billing": {"time_zone": "Europe/Berlin", "country": "DE", "subdivision": "BE"},
}


def seed_demo(lead: Any = None) -> None:
    """Idempotent: teams that already have hours and policies that exist are left alone.
    `lead` (an agent) becomes the lead of teams without one."""
    for team in Team.objects.filter(name__in=HOURS):
        if lead is not None and team.lead_id is None:
            Team.objects.filter(pk=team.pk).update(lead=lead)
        if not WorkingHoursConfig.objects.filter(team=team).exists():
            save_team_hours(team, actor=None, hours=WEEKDAYS_8_TO_18, **HOURS[team.name])
    if not SlaPolicy.objects.filter(name="Urgent").exists():
        save_policy(
            actor=None,
            name="Urgent",
            priority="urgent",
            first_reply_minutes=60,
            next_reply_minutes=60,
            business_time=False,
            steps=[{"trigger": "breach", "action": "notify_team_lead"}],
        )
    if not SlaPolicy.objects.filter(name="Standard").exists():
        save_policy(
            actor=None,
            name="Standard",
            first_reply_minutes=4 * 60,
            next_reply_minutes=8 * 60,
            periodic_update_minutes=2 * 10 * 60,
            resolution_minutes=5 * 10 * 60,
            steps=[
                {"trigger": "warning", "action": "notify_assignee"},
                {"trigger": "breach", "action": "notify_team_lead"},
                {"trigger": "breach", "delay_minutes": 60, "action": "raise_priority"},
            ],
        )
