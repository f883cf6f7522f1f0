"""A team's slots read every member's working time at once
(people.working_time.agent_calendars): each member's calendar is the one agent_calendar
gives them alone, by the same rule (their own hours, else the first team they joined that
has hours, else always; minus their absences)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from klient.calendars.actions import save_agent_hours, save_team_hours
from klient.people.actions import create_absence, create_agent, create_team
from klient.people.working_time import agent_calendar, agent_calendars

EVENINGS = {str(day): [["17:00", "22:00"]] for day in range(5)}
MORNINGS = {str(day): [["06:00", "11:00"]] for day in range(6)}


def test_every_members_calendar_is_the_one_they_have_alone(support_team, billing_team):
    night = create_team("Night desk", address="night@shop.example")
    save_team_hours(billing_team, actor=None, time_zone="Europe/Warsaw", hours=MORNINGS)
    save_team_hours(night, actor=None, time_zone="America/New_York", hours=EVENINGS)
    own, _ = create_agent("own@shop.example", name="Own Hours", teams=[billing_team])
    save_agent_hours(own, actor=None, time_zone="Asia/Kathmandu", hours=EVENINGS)
    # Joined Support (no hours), then the night desk, then Billing: the night desk's hours.
    joined, _ = create_agent("joined@shop.example", name="First Joined", teams=[support_team])
    night.members.add(joined)
    billing_team.members.add(joined)
    always, _ = create_agent("always@shop.example", name="No Hours", teams=[support_team])
    since = datetime(2027, 3, 1, tzinfo=UTC)
    for agent, days in ((own, 3), (always, 1)):
        create_absence(agent, actor=None, starts_at=since, ends_at=since + timedelta(days=days))
    create_absence(
        always, actor=None, starts_at=since - timedelta(days=9), ends_at=since - timedelta(days=8)
    )

    together = agent_calendars([own, joined, always], since=since)
    for agent in (own, joined, always):
        alone = agent_calendar(agent, since=since)
        assert together[agent.pk].hours == alone.hours, agent
        assert together[agent.pk].absences == alone.absences, agent
    assert together[joined.pk].hours.time_zone == "America/New_York"
    assert together[always.pk].hours is None
    assert len(together[always.pk].absences) == 1, "the one ending before `since` is left out"
