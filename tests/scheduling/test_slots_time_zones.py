"""Olha works in Kyiv; her customers book from New York, Kathmandu (+5:45) and Lord Howe
Island (a 30-minute DST). Around every DST change of 2027 and 2028, in any of these zones,
everyone is offered the same instants, each written with the offset of the zone asked."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from scheduling_helpers import make_agent, slots

from klient.scheduling.actions import create_booking_type

ZONES = ["Europe/Kyiv", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]
# Every DST change of these zones in 2027 and 2028 (all on Sundays).
CHANGES = {
    "Europe/Kyiv": ["2027-03-28", "2027-10-31", "2028-03-26", "2028-10-29"],
    "America/New_York": ["2027-03-14", "2027-11-07", "2028-03-12", "2028-11-05"],
    "Australia/Lord_Howe": ["2027-04-04", "2027-10-03", "2028-04-02", "2028-10-01"],
}


def instants(zone_name, first, last, slug="interview"):
    """The slots asked in `zone_name` for local dates first..last, as UTC instants, after
    checking each is written with that zone's offset at that instant."""
    zone = ZoneInfo(zone_name)
    out = []
    for start, end in slots(slug, first, last, time_zone=zone_name):
        moment = datetime.fromisoformat(start)
        assert moment.utcoffset() == moment.astimezone(zone).utcoffset(), start
        assert datetime.fromisoformat(end) - moment == timedelta(hours=1)
        out.append(moment.astimezone(UTC))
    return out


@pytest.mark.parametrize(
    "change", sorted({(zone, day) for zone, days in CHANGES.items() for day in days})
)
def test_every_zone_is_offered_the_same_instants_across_dst_changes(interview, change):
    _, day = change
    sunday = date.fromisoformat(day)
    first, last = sunday - timedelta(days=3), sunday + timedelta(days=3)
    # Compare on UTC days every zone's window covers (offsets lie within +-14 hours).
    lo = datetime.combine(first + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    hi = datetime.combine(last, datetime.min.time(), tzinfo=UTC)
    seen = {zone: [m for m in instants(zone, first, last) if lo <= m < hi] for zone in ZONES}
    assert seen["Europe/Kyiv"], "Olha works on the weekdays of that window"
    for zone in ZONES[1:]:
        assert seen[zone] == seen["Europe/Kyiv"], zone
    # In Kyiv they are always her wall-clock hours: 09:00 to 16:00, every 30 minutes.
    kyiv = ZoneInfo("Europe/Kyiv")
    by_day: dict[date, list[str]] = {}
    for moment in seen["Europe/Kyiv"]:
        local = moment.astimezone(kyiv)
        by_day.setdefault(local.date(), []).append(local.strftime("%H:%M"))
    expected = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)][:-1]
    for local_day, times in by_day.items():
        assert local_day.weekday() < 5
        assert times == expected, local_day


def test_the_first_slot_moves_an_hour_in_utc_when_kyiv_changes_its_clocks(interview):
    before = instants("Asia/Kathmandu", "2027-03-26", "2027-03-26")  # Friday, EET (+2)
    after = instants("Asia/Kathmandu", "2027-03-29", "2027-03-29")  # Monday, EEST (+3)
    assert before[0] == datetime(2027, 3, 26, 7, 0, tzinfo=UTC)
    assert after[0] == datetime(2027, 3, 29, 6, 0, tzinfo=UTC)
    written = slots("interview", "2027-03-29", "2027-03-29", time_zone="Asia/Kathmandu")
    assert written[0][0] == "2027-03-29T11:45:00+05:45"
    lord_howe = slots("interview", "2027-04-05", "2027-04-05", time_zone="Australia/Lord_Howe")
    # Monday 09:00 in Kyiv (06:00 UTC) is 16:30 on Lord Howe after its clocks went back.
    assert lord_howe[0][0] == "2027-04-05T16:30:00+10:30"


def test_a_round_the_clock_agent_has_23_and_25_hour_days(db):
    taras = make_agent(
        "taras@shop.example",
        "Taras",
        hours={str(day): [["00:00", "24:00"]] for day in range(7)},
    )
    create_booking_type(
        actor=taras,
        name="Night line",
        slug="night-line",
        agent=taras.pk,
        kind="phone",
        duration_minutes=60,
        step_minutes=60,
        horizon_days=1098,
    )
    for day, hours in [
        ("2027-03-28", 23),
        ("2027-10-31", 25),
        ("2028-03-26", 23),
        ("2028-10-29", 25),
        ("2027-06-01", 24),
    ]:
        offered = slots("night-line", day, day, time_zone="Europe/Kyiv")
        assert len(offered) == hours, day
        assert offered[0][0].startswith(f"{day}T00:00:00+"), "from the local midnight"
        starts = [datetime.fromisoformat(start) for start, _ in offered]
        assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(starts))
