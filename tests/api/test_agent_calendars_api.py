"""Agents' working hours and absences through the API: an agent manages their own, a team
lead and administrators anyone's; a teammate gets 403, anyone else 404. An agent without
hours of their own works their first team's; absences are cut out of their calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from klient.calendars.actions import save_team_hours
from klient.core.models import Event
from klient.people.actions import create_agent
from klient.people.models import Absence
from klient.people.working_time import agent_calendar

WEEKDAYS = {str(day): [["09:00", "17:00"]] for day in range(5)}
EARLY = {
    "time_zone": "Europe/Kyiv",
    "hours": {str(day): [["07:00", "15:00"]] for day in range(4)},
    "country": "UA",
    "closures": ["2026-12-31"],
    "extra_working_days": {},
}


def hours_url(agent):
    return f"/api/v1/agents/{agent.pk}/working-hours"


def absences_url(agent):
    return f"/api/v1/agents/{agent.pk}/absences"


@pytest.fixture
def carl(support_team):
    """Carl, Anna's teammate in Support (not a lead)."""
    user, token = create_agent("carl@shop.example", name="Carl Berg", teams=[support_team])
    user.api_token = token
    return user


@pytest.fixture
def lena(support_team):
    """Lena leads Support (and is not a member of it)."""
    user, token = create_agent("lena@shop.example", name="Lena Lead")
    user.api_token = token
    support_team.lead = user
    support_team.save(update_fields=["lead"])
    return user


@pytest.fixture
def support_hours(support_team):
    return save_team_hours(
        support_team, actor=None, time_zone="Europe/Warsaw", hours=WEEKDAYS, country="PL"
    )


# -- working hours ---------------------------------------------------------------------------


def test_an_agent_without_hours_of_their_own_works_their_teams(call, agent_anna, support_hours):
    body = call(agent_anna, "get", hours_url(agent_anna)).json()

    assert body["configured"] is False
    assert body["source"] == "team"
    assert body["team"] == support_hours.team_id
    assert body["time_zone"] == "Europe/Warsaw"
    assert body["hours"]["0"] == [["09:00", "17:00"]]


def test_an_agent_in_no_team_with_hours_works_calendar_time(call, agent_anna):
    body = call(agent_anna, "get", hours_url(agent_anna)).json()

    assert (body["source"], body["configured"], body["team"], body["hours"]) == (
        "none",
        False,
        None,
        {},
    )


def test_the_first_team_joined_with_hours_is_the_one_that_counts(
    call, support_team, billing_team, support_hours, admin_zofia
):
    save_team_hours(billing_team, actor=None, time_zone="Europe/Berlin", hours=WEEKDAYS)
    both, _ = create_agent("dora@shop.example", teams=[billing_team, support_team])
    later, _ = create_agent("emil@shop.example", teams=[support_team, billing_team])

    assert call(admin_zofia, "get", hours_url(both)).json()["team"] == billing_team.pk
    assert call(admin_zofia, "get", hours_url(later)).json()["team"] == support_team.pk


def test_an_agent_sets_their_own_hours_and_an_event_records_it(call, agent_anna, support_hours):
    response = call(agent_anna, "put", hours_url(agent_anna), EARLY)

    assert response.status_code == 200
    body = call(agent_anna, "get", hours_url(agent_anna)).json()
    assert (body["source"], body["configured"], body["team"]) == ("agent", True, None)
    assert body["time_zone"] == "Europe/Kyiv"
    assert body["closures"] == ["2026-12-31"]
    event = Event.objects.filter(kind="calendars.working_hours_saved").latest("id")
    assert event.data["agent"] == agent_anna.pk
    assert "team" not in event.data
    assert event.actor == agent_anna
    # The team's hours are untouched.
    support_hours.refresh_from_db()
    assert support_hours.time_zone == "Europe/Warsaw"


def test_own_hours_replace_the_teams_in_the_agents_calendar(agent_anna, support_hours, call):
    # Monday 7 Dec 2026, 07:30 in Kyiv (05:30 UTC): Anna's own hours, not Support's 09:00.
    monday_early = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)
    assert not agent_calendar(agent_anna).is_open(monday_early)

    call(agent_anna, "put", hours_url(agent_anna), EARLY)

    assert agent_calendar(agent_anna).is_open(monday_early)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"time_zone": "Mars/Olympus"}, "unknown time zone"),
        ({"hours": {"0": [["17:00", "09:00"]]}}, "crosses midnight"),
        ({"country": "XX"}, "Holidays are known for"),
        ({"closures": ["31/12/2026"]}, "Closures are dates"),
    ],
)
def test_invalid_working_hours_are_refused(call, agent_anna, change, problem):
    response = call(agent_anna, "put", hours_url(agent_anna), {**EARLY, **change})

    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert call(agent_anna, "get", hours_url(agent_anna)).json()["configured"] is False


def test_a_team_lead_and_an_administrator_may_set_an_agents_hours(
    call, agent_anna, lena, admin_zofia
):
    assert call(lena, "put", hours_url(agent_anna), EARLY).status_code == 200
    assert call(admin_zofia, "put", hours_url(agent_anna), EARLY).status_code == 200
    assert call(lena, "get", hours_url(agent_anna)).json()["source"] == "agent"


def test_a_teammate_gets_403_and_an_outsider_404(call, agent_anna, carl, agent_bruno):
    for method, body in (("get", None), ("put", EARLY)):
        assert call(carl, method, hours_url(agent_anna), body).status_code == 403
        assert call(agent_bruno, method, hours_url(agent_anna), body).status_code == 404
    assert call(agent_anna, "get", "/api/v1/agents/999999/working-hours").status_code == 404
    assert not Event.objects.filter(kind="calendars.working_hours_saved").exists()


def test_a_lead_manages_only_the_agents_of_their_teams(call, lena, agent_bruno):
    assert call(lena, "get", hours_url(agent_bruno)).status_code == 404


# -- absences --------------------------------------------------------------------------------


def future(days, hours=0):
    base = timezone.now().replace(microsecond=0) + timedelta(days=days, hours=hours)
    return base.isoformat()


def test_an_agent_records_an_absence_with_a_substitute(call, agent_anna, carl):
    response = call(
        agent_anna,
        "post",
        absences_url(agent_anna),
        {
            "starts_at": "2026-12-21T09:00:00+01:00",
            "ends_at": "2027-01-04T09:00:00+01:00",
            "reason": "Holidays",
            "substitute": {"agent": carl.pk},
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["substitute"] == {"agent": carl.pk, "team": None}
    assert body["reason"] == "Holidays"
    assert body["created_by"] == agent_anna.pk
    absence = Absence.objects.get(pk=body["id"])
    assert absence.starts_at == datetime(2026, 12, 21, 8, tzinfo=UTC)
    event = Event.objects.get(kind="absence.created")
    assert event.conversation is None
    assert event.data["absence"] == absence.pk
    assert event.data["substitute_agent"] == carl.pk


def test_a_substitute_team_is_recorded(call, agent_anna, billing_team):
    body = call(
        agent_anna,
        "post",
        absences_url(agent_anna),
        {"starts_at": future(1), "ends_at": future(2), "substitute": {"team": billing_team.pk}},
    ).json()

    assert body["substitute"] == {"agent": None, "team": billing_team.pk}


def test_absences_list_current_and_future_ones_in_start_order(call, agent_anna):
    with freeze_time("2026-06-01T12:00:00Z"):
        for starts, ends in (
            ("2026-07-01T00:00Z", "2026-07-02T00:00Z"),
            ("2026-05-01T00:00Z", "2026-05-02T00:00Z"),  # over
            ("2026-05-31T00:00Z", "2026-06-03T00:00Z"),  # now
        ):
            body = {"starts_at": starts, "ends_at": ends}
            assert call(agent_anna, "post", absences_url(agent_anna), body).status_code == 201

        current = call(agent_anna, "get", absences_url(agent_anna)).json()["items"]
        everything = call(agent_anna, "get", absences_url(agent_anna) + "?past=true").json()

    assert [a["starts_at"][:10] for a in current] == ["2026-05-31", "2026-07-01"]
    assert [a["starts_at"][:10] for a in everything["items"]] == [
        "2026-05-01",
        "2026-05-31",
        "2026-07-01",
    ]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"starts_at": "2026-12-21T09:00:00", "ends_at": "2026-12-22T09:00:00"}, "time zone"),
        (
            {"starts_at": "2026-12-22T09:00:00Z", "ends_at": "2026-12-21T09:00:00Z"},
            "ends after it starts",
        ),
        (
            {"starts_at": "2026-12-21T09:00:00Z", "ends_at": "2026-12-21T09:00:00Z"},
            "ends after it starts",
        ),
    ],
)
def test_absences_need_aware_times_and_an_end_after_the_start(call, agent_anna, payload, problem):
    response = call(agent_anna, "post", absences_url(agent_anna), payload)

    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert not Absence.objects.exists()
    assert not Event.objects.filter(kind="absence.created").exists()


def test_substitutes_are_checked(call, agent_anna, carl, support_team):
    times = {"starts_at": future(1), "ends_at": future(2)}

    def refused(substitute):
        response = call(
            agent_anna, "post", absences_url(agent_anna), {**times, "substitute": substitute}
        )
        assert response.status_code == 422, response.content
        return response.json()["detail"]

    assert "own substitute" in refused({"agent": agent_anna.pk})
    assert "one substitute" in refused({"agent": carl.pk, "team": support_team.pk})
    assert "one substitute" in refused({})
    assert "No agent" in refused({"agent": 999999})
    assert "No team" in refused({"team": 999999})
    carl.is_active = False
    carl.save(update_fields=["is_active"])
    assert "not active" in refused({"agent": carl.pk})
    assert not Absence.objects.exists()


def test_the_agent_a_lead_or_an_admin_deletes_an_absence(call, agent_anna, lena, admin_zofia):
    ids = [
        call(
            agent_anna,
            "post",
            absences_url(agent_anna),
            {"starts_at": future(day), "ends_at": future(day, 4)},
        ).json()["id"]
        for day in (1, 2, 3)
    ]

    for who, absence_id in zip((agent_anna, lena, admin_zofia), ids, strict=True):
        response = call(who, "delete", f"{absences_url(agent_anna)}/{absence_id}")
        assert response.status_code == 200
        assert response.json()["id"] == absence_id

    assert not Absence.objects.exists()
    deleted = Event.objects.filter(kind="absence.deleted").order_by("id")
    assert [e.data["absence"] for e in deleted] == ids
    assert [e.actor for e in deleted] == [agent_anna, lena, admin_zofia]


def test_others_cannot_see_or_touch_an_agents_absences(call, agent_anna, carl, agent_bruno):
    absence_id = call(
        agent_anna, "post", absences_url(agent_anna), {"starts_at": future(1), "ends_at": future(2)}
    ).json()["id"]
    payload = {"starts_at": future(3), "ends_at": future(4)}

    assert call(carl, "get", absences_url(agent_anna)).status_code == 403
    assert call(carl, "post", absences_url(agent_anna), payload).status_code == 403
    assert call(carl, "delete", f"{absences_url(agent_anna)}/{absence_id}").status_code == 403
    assert call(agent_bruno, "get", absences_url(agent_anna)).status_code == 404
    assert call(agent_bruno, "post", absences_url(agent_anna), payload).status_code == 404
    assert (
        call(agent_bruno, "delete", f"{absences_url(agent_anna)}/{absence_id}").status_code == 404
    )
    # An absence is only reachable under its own agent.
    assert call(carl, "delete", f"{absences_url(carl)}/{absence_id}").status_code == 404
    assert Absence.objects.filter(pk=absence_id).exists()


def test_an_absence_is_cut_out_of_the_agents_calendar(call, agent_anna, support_hours):
    # Tuesday 8 Dec 2026, 10:00-12:00 in Warsaw (09:00-11:00 UTC).
    call(
        agent_anna,
        "post",
        absences_url(agent_anna),
        {"starts_at": "2026-12-08T10:00:00+01:00", "ends_at": "2026-12-08T12:00:00+01:00"},
    )

    calendar = agent_calendar(agent_anna)

    assert not calendar.is_open(datetime(2026, 12, 8, 9, 30, tzinfo=UTC))
    assert calendar.is_open(datetime(2026, 12, 8, 11, 0, tzinfo=UTC))
    assert calendar.next_opening(datetime(2026, 12, 8, 9, tzinfo=UTC)) == datetime(
        2026, 12, 8, 11, tzinfo=UTC
    )
    assert [(o.hour, c.hour) for o, c in calendar.open_intervals(datetime(2026, 12, 8).date())] == [
        (8, 9),
        (11, 16),
    ]
