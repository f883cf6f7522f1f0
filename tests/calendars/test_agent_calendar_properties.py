"""An agent's effective calendar (working hours minus absences), property-tested against
the working-hours calendar it is built from and a naive reading of the absences."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klient.calendars import BusinessCalendar, WorkingHours, is_open, open_intervals
from klient.calendars.absences import AgentCalendar

WARSAW = BusinessCalendar(
    "Europe/Warsaw",
    WorkingHours.weekly(("09:00", "13:00"), ("14:00", "17:00")),
    country="PL",
)
NIGHT_DESK = BusinessCalendar(
    "America/New_York",
    WorkingHours.from_mapping({5: [("00:00", "24:00")], 6: [("22:00", "24:00")]}),
)
HOURS = [WARSAW, NIGHT_DESK, None]  # None: no working hours at all, i.e. always working

START = datetime(2026, 3, 20, tzinfo=UTC)  # spans the spring DST change of both zones
SPAN_MINUTES = 60 * 24 * 21

minutes = st.integers(min_value=0, max_value=SPAN_MINUTES)
moments = minutes.map(lambda m: START + timedelta(minutes=m, seconds=17))


@st.composite
def absences(draw):
    """Up to five absences of 1 minute to 4 days, possibly overlapping or touching."""
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        start = START + timedelta(minutes=draw(minutes))
        length = timedelta(minutes=draw(st.integers(min_value=1, max_value=4 * 24 * 60)))
        out.append((start, start + length))
    return out


def inside_any(moment, spans):
    return any(start <= moment < end for start, end in spans)


def base_open(hours, moment):
    return True if hours is None else is_open(hours, moment)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HOURS), absences(), moments)
def test_an_instant_inside_an_absence_is_never_open(hours, away, moment):
    calendar = AgentCalendar(hours, away)

    if inside_any(moment, away):
        assert not calendar.is_open(moment)
    else:
        assert calendar.is_open(moment) == base_open(hours, moment)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HOURS), absences(), moments)
def test_absences_ending_or_starting_exactly_at_an_instant_are_half_open(hours, away, moment):
    """[start, end): absent at the start, back at the end."""
    calendar = AgentCalendar(hours, [*away, (moment - timedelta(hours=1), moment)])

    assert calendar.is_open(moment) == (base_open(hours, moment) and not inside_any(moment, away))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(HOURS), absences(), moments)
def test_the_next_opening_is_open_and_nothing_before_it_is(hours, away, moment):
    calendar = AgentCalendar(hours, away)

    opening = calendar.next_opening(moment)

    assert opening >= moment
    assert calendar.is_open(opening)
    # Every minute boundary between `moment` and the opening is closed (and the moment).
    probe = moment
    while probe < opening:
        assert not calendar.is_open(probe)
        probe = min(opening, probe + timedelta(minutes=7))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(HOURS), absences(), st.integers(min_value=0, max_value=20))
def test_open_intervals_are_the_working_intervals_minus_the_absences(hours, away, offset):
    day = date(2026, 3, 20) + timedelta(days=offset)
    calendar = AgentCalendar(hours, away)

    intervals = calendar.open_intervals(day)

    if hours is None:
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        base = ((midnight, midnight + timedelta(days=1)),)
    else:
        base = open_intervals(hours, day)
    for opens, closes in intervals:
        assert opens < closes
        assert any(b_open <= opens and closes <= b_close for b_open, b_close in base)
        assert not any(start < closes and opens < end for start, end in away)
    # Nothing of the working time outside the absences is lost.
    kept = sum((c - o for o, c in intervals), timedelta())
    for b_open, b_close in base:
        probe = b_open
        while probe < b_close:
            assert inside_any(probe, intervals) == (not inside_any(probe, away))
            probe += timedelta(minutes=13)
    assert kept <= sum((c - o for o, c in base), timedelta())


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        AgentCalendar(WARSAW, [(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 12))])
    with pytest.raises(ValueError, match="timezone-aware"):
        AgentCalendar(WARSAW).is_open(datetime(2026, 1, 5, 9))


def test_a_week_off_moves_the_next_opening_to_the_monday_after():
    """Away Mon 5 Jan 2026 09:00 Warsaw to Mon 12 Jan 09:00: back at 09:00 that Monday."""
    away = [(datetime(2026, 1, 5, 8, tzinfo=UTC), datetime(2026, 1, 12, 8, tzinfo=UTC))]
    calendar = AgentCalendar(WARSAW, away)

    assert calendar.next_opening(datetime(2026, 1, 5, 8, tzinfo=UTC)) == datetime(
        2026, 1, 12, 8, tzinfo=UTC
    )
    assert calendar.absence_at(datetime(2026, 1, 7, 10, tzinfo=UTC)) == away[0]
    assert calendar.works_at(datetime(2026, 1, 7, 10, tzinfo=UTC))
    assert not calendar.is_open(datetime(2026, 1, 7, 10, tzinfo=UTC))
