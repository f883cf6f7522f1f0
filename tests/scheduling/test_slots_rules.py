"""The public slots of a booking type: buffers, notice, horizon, the per-day limit, teams,
busy times, and what a visitor without any account may ask (and is refused)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling_helpers import api, book, make_agent, next_monday, slots

from klient.scheduling import queries
from klient.scheduling.actions import create_booking_type, delete_booking_type

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(day, hh_mm):
    hour, minute = map(int, hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=KYIV)


def times(offered):
    return [
        datetime.fromisoformat(start).astimezone(KYIV).strftime("%H:%M") for start, _ in offered
    ]


def test_buffers_keep_appointments_apart_and_may_fall_outside_working_hours(agent_olha):
    consult = create_booking_type(
        actor=agent_olha,
        name="Consultation",
        slug="consult",
        agent=agent_olha.pk,
        kind="in_person",
        location="Khreshchatyk 1, Kyiv",
        duration_minutes=30,
        step_minutes=15,
        buffer_before_minutes=15,
        buffer_after_minutes=15,
    )
    monday = next_monday()
    book(consult, agent_olha, kyiv(monday, "12:00"), minutes=60)  # blocks 11:45-13:15
    offered = times(slots("consult", monday))
    assert offered[0] == "09:00", "the buffer before may reach before 09:00"
    assert offered[-1] == "16:30", "the buffer after may reach after 17:00"
    assert "11:00" in offered and "11:15" not in offered
    assert "13:15" not in offered and "13:30" in offered
    # An appointment booked with no buffers still keeps this type's buffers away.
    book(consult, agent_olha, kyiv(monday, "15:00"), before=0, after=0)
    offered = times(slots("consult", monday))
    assert "14:15" in offered and "14:30" not in offered and "15:45" in offered


def test_notice_and_horizon_bound_the_first_and_last_slot(db):
    now = datetime.now(UTC)
    always = make_agent(
        "maks@shop.example",
        "Maks",
        time_zone="UTC",
        hours={str(day): [["00:00", "24:00"]] for day in range(7)},
    )
    create_booking_type(
        actor=always,
        name="Quick call",
        slug="quick",
        agent=always.pk,
        kind="phone",
        duration_minutes=30,
        step_minutes=30,
        minimum_notice_minutes=26 * 60,
        horizon_days=3,
    )
    today = now.date()
    offered = [
        datetime.fromisoformat(s)
        for s, _ in slots("quick", today, today + timedelta(days=6), time_zone="UTC")
    ]
    assert offered[0] >= now + timedelta(hours=26)
    assert offered[0] - (now + timedelta(hours=26)) < timedelta(minutes=30)
    assert offered[-1] < now + timedelta(days=3)
    assert now + timedelta(days=3) - offered[-1] <= timedelta(minutes=30)


def test_the_per_day_limit_counts_this_types_appointments_on_the_agents_local_day(
    agent_olha, interview
):
    from klient.scheduling.actions import update_booking_type

    update_booking_type(interview, actor=agent_olha, max_per_day=1)
    other = create_booking_type(
        actor=agent_olha,
        name="Chat",
        slug="chat",
        agent=agent_olha.pk,
        kind="phone",
        duration_minutes=30,
    )
    monday = next_monday()
    tuesday = monday + timedelta(days=1)
    book(interview, agent_olha, kyiv(monday, "16:00"))
    book(other, agent_olha, kyiv(tuesday, "09:00"))
    assert slots("interview", monday) == []
    offered = times(slots("interview", tuesday))
    assert offered[0] == "09:30", "another type's appointment blocks its time, not the day"
    # Seen from New York the Monday slots stay gone: the day is Olha's.
    seen = slots("interview", monday - timedelta(days=1), tuesday, time_zone="America/New_York")
    assert {datetime.fromisoformat(s).astimezone(KYIV).date() for s, _ in seen} == {tuesday}


def test_a_team_type_offers_a_slot_when_any_member_is_free(agent_olha, support_team, admin_zofia):
    make_agent(
        "petro@shop.example",
        "Petro",
        teams=[support_team],
        hours={str(day): [["13:00", "19:00"]] for day in range(5)},
    )
    team_call = create_booking_type(
        actor=admin_zofia,
        name="Support call",
        slug="support-call",
        team=support_team.pk,
        kind="phone",
        duration_minutes=60,
        step_minutes=60,
    )
    monday = next_monday()
    assert {a.email for a in queries.members(team_call)} == {
        "olha@shop.example",
        "petro@shop.example",
    }
    day = (kyiv(monday, "00:00"), kyiv(monday + timedelta(days=1), "00:00"))
    offered = queries.free_slots(team_call, *day)
    assert times([(a.isoformat(), b) for a, b in offered]) == [f"{h:02d}:00" for h in range(9, 19)]
    book(team_call, agent_olha, kyiv(monday, "10:00"))
    book(team_call, agent_olha, kyiv(monday, "14:00"))
    offered = queries.free_slots(team_call, *day)
    hours = times([(a.isoformat(), b) for a, b in offered])
    assert "10:00" not in hours, "Petro does not work at 10"
    assert "14:00" in hours, "Petro is free at 14 while Olha is booked"


def test_busy_times_of_external_calendars_block_slots(agent_olha, interview):
    monday = next_monday()
    day = (kyiv(monday, "00:00"), kyiv(monday + timedelta(days=1), "00:00"))
    busy = {agent_olha.pk: [(kyiv(monday, "10:15"), kyiv(monday, "11:00"))]}
    offered = times(
        [(a.isoformat(), b) for a, b in queries.free_slots(interview, *day, busy_times=busy)]
    )
    assert "09:00" in offered and "09:30" not in offered and "10:30" not in offered
    assert "11:00" in offered


def test_anyone_may_ask_for_slots_without_a_token_and_bad_questions_are_refused(
    agent_olha, interview
):
    monday = next_monday()
    url = "/api/v1/booking-types/interview/slots"
    ok = api(None, "get", f"{url}?from={monday}&to={monday}&time_zone=Europe/Kyiv")
    assert ok.status_code == 200
    assert ok.json()["time_zone"] == "Europe/Kyiv"
    assert ok.json()["slots"][0]["start"].endswith(("+02:00", "+03:00"))
    for query, words in [
        (f"from={monday}&to={monday}&time_zone=Mars/Olympus", "time_zone"),
        (f"from={monday}&to={monday}&time_zone=../../etc/passwd", "time_zone"),
        (f"from=2027-13-01&to={monday}&time_zone=UTC", "from"),
        (f"from={monday}&to=20270101&time_zone=UTC", "to"),
        (f"from={monday}&to={monday - timedelta(days=1)}&time_zone=UTC", "to"),
        (f"from={monday}&to={monday + timedelta(days=100)}&time_zone=UTC", "92"),
        (f"to={monday}&time_zone=UTC", "from"),
    ]:
        refused = api(None, "get", f"{url}?{query}")
        assert refused.status_code == 422, query
        assert words in refused.json()["detail"], refused.json()
    unknown = api(None, "get", f"/api/v1/booking-types/nope/slots?from={monday}&to={monday}")
    assert unknown.status_code == 404
    delete_booking_type(interview, actor=agent_olha)
    gone = api(None, "get", f"{url}?from={monday}&to={monday}&time_zone=UTC")
    assert gone.status_code == 404


def test_a_synced_external_calendar_blocks_the_public_slots(agent_olha, interview):
    """Olha's private calendar (synced by klient.external_calendars) holds a dentist at
    10:15: the public page does not offer the interview that would overlap it."""
    from klient.external_calendars.models import BusyInterval, ExternalCalendar

    monday = next_monday()
    before = times(slots("interview", monday))
    calendar = ExternalCalendar.objects.create(
        agent=agent_olha, kind="ics", url="https://calendar.example/olha.ics"
    )
    BusyInterval.objects.create(
        calendar=calendar, starts_at=kyiv(monday, "10:15"), ends_at=kyiv(monday, "11:00")
    )

    after = times(slots("interview", monday))

    assert "10:00" in before and "10:30" in before
    assert "10:00" not in after and "10:30" not in after
    assert "09:00" in after and "11:00" in after
