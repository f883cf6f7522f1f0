"""Business-time clock: stories with real dates, holidays and DST changes (no Django)."""

import pickle
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from klient.calendars import (
    BusinessCalendar,
    WorkingHours,
    add_business_time,
    business_time_between,
    due_at,
    is_open,
    next_opening,
    open_intervals,
)

WARSAW = ZoneInfo("Europe/Warsaw")
KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = WorkingHours.weekly(("09:00", "17:00"))
H = timedelta(hours=1)


def at(zone, *args):
    return datetime(*args, tzinfo=zone)


def warsaw_team(**kwargs):
    return BusinessCalendar("Europe/Warsaw", NINE_TO_FIVE, country="PL", **kwargs)


# -- the basic story -----------------------------------------------------------------------


def test_a_message_on_friday_at_four_with_a_four_hour_target_is_due_monday_noon():
    """Given a Warsaw team working 09-17 Mon-Fri, when a message arrives Friday 16:00, then one
    hour counts on Friday and three on Monday: due Monday 12:00 local, returned in UTC."""
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 12, 16), 4 * H)
    assert due == at(WARSAW, 2026, 6, 15, 12)
    assert due.tzinfo is UTC
    assert business_time_between(warsaw_team(), at(WARSAW, 2026, 6, 12, 16), due) == 4 * H


def test_a_target_that_ends_at_closing_time_is_due_at_closing_not_at_the_next_opening():
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 12, 9), 8 * H)
    assert due == at(WARSAW, 2026, 6, 12, 17)


def test_a_message_before_opening_starts_counting_at_opening():
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 10, 7, 15), 2 * H)
    assert due == at(WARSAW, 2026, 6, 10, 11)


def test_a_message_after_closing_starts_counting_next_morning():
    due = add_business_time(
        warsaw_team(), at(WARSAW, 2026, 6, 10, 20, 30), 30 * timedelta(minutes=1)
    )
    assert due == at(WARSAW, 2026, 6, 11, 9, 30)


def test_a_message_at_the_weekend_starts_counting_on_monday():
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 13, 11), 3 * H)
    assert due == at(WARSAW, 2026, 6, 15, 12)


def test_three_business_days_of_eight_hours_from_wednesday_noon_end_on_monday_noon():
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 10, 12), 24 * H)
    assert due == at(WARSAW, 2026, 6, 15, 12)


def test_zero_duration_is_due_at_once_even_outside_hours():
    start = at(WARSAW, 2026, 6, 13, 11)
    assert add_business_time(warsaw_team(), start, timedelta(0)) == start


def test_inputs_in_other_time_zones_give_the_same_due_date_in_utc():
    """Given the Friday 16:00 Warsaw message seen from New York, UTC and a fixed +05:30
    offset, then the due date is the same instant, Monday 12:00 Warsaw."""
    friday_four_warsaw = at(WARSAW, 2026, 6, 12, 16)
    expected = at(WARSAW, 2026, 6, 15, 12)
    for zone in (NEW_YORK, UTC, timezone(timedelta(hours=5, minutes=30))):
        assert add_business_time(warsaw_team(), friday_four_warsaw.astimezone(zone), 4 * H) == (
            expected
        )
    assert at(NEW_YORK, 2026, 6, 12, 10) == friday_four_warsaw


def test_business_time_between_is_zero_when_the_end_is_not_after_the_start():
    start = at(WARSAW, 2026, 6, 10, 12)
    assert business_time_between(warsaw_team(), start, start) == timedelta(0)
    assert business_time_between(warsaw_team(), start, start - H) == timedelta(0)


def test_business_time_between_counts_only_open_hours():
    """Wednesday 15:00 to the next Tuesday 10:00: 2 h + 8 h + 8 h + 8 h + 1 h."""
    elapsed = business_time_between(
        warsaw_team(), at(WARSAW, 2026, 6, 10, 15), at(WARSAW, 2026, 6, 16, 10)
    )
    assert elapsed == 27 * H


def test_is_open_and_next_opening_treat_closing_time_as_closed():
    calendar = warsaw_team()
    assert is_open(calendar, at(WARSAW, 2026, 6, 12, 9))
    assert is_open(calendar, at(WARSAW, 2026, 6, 12, 16, 59, 59))
    assert not is_open(calendar, at(WARSAW, 2026, 6, 12, 17))
    assert next_opening(calendar, at(WARSAW, 2026, 6, 12, 17)) == at(WARSAW, 2026, 6, 15, 9)
    assert next_opening(calendar, at(WARSAW, 2026, 6, 12, 10)) == at(WARSAW, 2026, 6, 12, 10)


# -- public holidays -----------------------------------------------------------------------


def test_polish_independence_day_is_skipped():
    """2026-11-11 is a Wednesday: Tuesday 16:00 + 4 h is due Thursday 12:00."""
    calendar = warsaw_team()
    assert not is_open(calendar, at(WARSAW, 2026, 11, 11, 12))
    due = add_business_time(calendar, at(WARSAW, 2026, 11, 10, 16), 4 * H)
    assert due == at(WARSAW, 2026, 11, 12, 12)


def test_christmas_eve_is_a_polish_holiday_from_2025_but_was_not_in_2024():
    """Wigilia (2026-12-24, Thursday) joins 25-26 December: Wednesday 15:00 + 4 h runs over
    the holidays and the weekend to Monday 28th 11:00."""
    calendar = warsaw_team()
    assert calendar.is_holiday(date(2026, 12, 24))
    assert not calendar.is_holiday(date(2024, 12, 24))
    assert is_open(calendar, at(WARSAW, 2024, 12, 24, 12))
    due = add_business_time(calendar, at(WARSAW, 2026, 12, 23, 15), 4 * H)
    assert due == at(WARSAW, 2026, 12, 28, 11)


def test_german_unity_day_closes_a_saturday_team_in_2026():
    """2026-10-03 is a Saturday; a Berlin team also working Saturday mornings is closed."""
    nine = [("09:00", "17:00")]
    hours = WorkingHours.from_mapping(
        {0: nine, 1: nine, 2: nine, 3: nine, 4: nine, 5: [("10:00", "14:00")]}
    )
    calendar = BusinessCalendar("Europe/Berlin", hours, country="DE", subdivision="BE")
    assert is_open(calendar, at(BERLIN, 2026, 10, 10, 11))
    assert not is_open(calendar, at(BERLIN, 2026, 10, 3, 11))
    due = add_business_time(calendar, at(BERLIN, 2026, 10, 2, 16), 2 * H)
    assert due == at(BERLIN, 2026, 10, 5, 10)


def test_corpus_christi_closes_munich_but_not_berlin():
    """Subdivisions matter: 2026-06-04 is a holiday in Bavaria, not in Berlin."""
    munich = BusinessCalendar("Europe/Berlin", NINE_TO_FIVE, country="DE", subdivision="BY")
    berlin = BusinessCalendar("Europe/Berlin", NINE_TO_FIVE, country="DE", subdivision="BE")
    noon = at(BERLIN, 2026, 6, 4, 12)
    assert not is_open(munich, noon)
    assert is_open(berlin, noon)


def test_bastille_day_is_skipped_in_paris():
    """2026-07-14 is a Tuesday: Monday 16:00 + 2 h is due Wednesday 10:00."""
    calendar = BusinessCalendar("Europe/Paris", NINE_TO_FIVE, country="FR")
    due = add_business_time(calendar, at(PARIS, 2026, 7, 13, 16), 2 * H)
    assert due == at(PARIS, 2026, 7, 15, 10)


def test_thanksgiving_is_skipped_in_new_york_but_the_day_after_is_a_business_day():
    calendar = BusinessCalendar("America/New_York", NINE_TO_FIVE, country="US")
    due = add_business_time(calendar, at(NEW_YORK, 2026, 11, 25, 15), 4 * H)
    assert due == at(NEW_YORK, 2026, 11, 27, 11)


def test_boxing_day_on_a_saturday_is_observed_on_monday_in_london():
    """Christmas 2026 is a Friday, Boxing Day a Saturday, substituted on Monday 28th."""
    calendar = BusinessCalendar("Europe/London", NINE_TO_FIVE, country="GB")
    due = add_business_time(calendar, at(LONDON, 2026, 12, 24, 16), 2 * H)
    assert due == at(LONDON, 2026, 12, 29, 10)


def test_ukrainian_public_holidays_are_suspended_under_martial_law():
    """The holidays package lists no Ukrainian public holidays while martial law is in force
    (since 2022), so Independence Day 2026 (a Monday) is a business day. In 2021 it was a
    holiday, and Monday 23rd a day off swapped for a working Saturday."""
    calendar = BusinessCalendar("Europe/Kyiv", NINE_TO_FIVE, country="UA")
    assert is_open(calendar, at(KYIV, 2026, 8, 24, 12))
    assert not is_open(calendar, at(KYIV, 2021, 8, 24, 12))
    due = add_business_time(calendar, at(KYIV, 2021, 8, 20, 16), 2 * H)
    assert due == at(KYIV, 2021, 8, 25, 10)


def test_a_year_of_polish_business_time_is_eight_hours_per_working_day():
    """2026 in Poland: 261 weekdays, 8 of them public holidays, is 253 business days."""
    elapsed = business_time_between(warsaw_team(), at(WARSAW, 2026, 1, 1), at(WARSAW, 2027, 1, 1))
    assert elapsed == 253 * 8 * H


def test_a_long_target_jumps_whole_weeks_and_lands_on_the_exact_minute():
    """Fifty business days of 8 h from Monday 2026-01-05 09:00, Epiphany (6 Jan) off, end at
    the close of the 50th working day: 19 in January, 20 in February, so Monday 16 March."""
    calendar = warsaw_team()
    start = at(WARSAW, 2026, 1, 5, 9)
    due = add_business_time(calendar, start, 400 * H)
    assert due == at(WARSAW, 2026, 3, 16, 17)
    assert business_time_between(calendar, start, due) == 400 * H


# -- closures and extra working days -------------------------------------------------------


def test_a_one_off_closure_is_skipped():
    calendar = warsaw_team(closures=[date(2026, 6, 15)])
    due = add_business_time(calendar, at(WARSAW, 2026, 6, 12, 16), 4 * H)
    assert due == at(WARSAW, 2026, 6, 16, 12)


def test_an_extra_working_saturday_counts_with_its_own_hours():
    """Saturday 2026-11-14 worked 10:00-14:00: Friday 16:00 + 4 h is due Saturday 13:00."""
    calendar = warsaw_team(extra_working_days={date(2026, 11, 14): [("10:00", "14:00")]})
    due = add_business_time(calendar, at(WARSAW, 2026, 11, 13, 16), 4 * H)
    assert due == at(WARSAW, 2026, 11, 14, 13)


def test_an_extra_working_day_wins_over_a_public_holiday():
    calendar = warsaw_team(extra_working_days={date(2026, 11, 11): [(time(8), time(12))]})
    assert is_open(calendar, at(WARSAW, 2026, 11, 11, 11))
    assert not is_open(calendar, at(WARSAW, 2026, 11, 11, 13))


def test_a_date_cannot_be_both_closed_and_an_extra_working_day():
    with pytest.raises(ValueError, match="both closed and extra"):
        warsaw_team(
            closures=[date(2026, 5, 4)], extra_working_days={date(2026, 5, 4): [("9:00", "12:00")]}
        )


# -- shapes of working hours ---------------------------------------------------------------


def test_a_lunch_break_is_not_counted():
    calendar = BusinessCalendar(
        "Europe/Kyiv", WorkingHours.weekly(("09:00", "13:00"), ("14:00", "18:00")), country="UA"
    )
    due = add_business_time(calendar, at(KYIV, 2026, 6, 10, 12), 2 * H)
    assert due == at(KYIV, 2026, 6, 10, 15)
    assert not is_open(calendar, at(KYIV, 2026, 6, 10, 13, 30))
    assert next_opening(calendar, at(KYIV, 2026, 6, 10, 13, 30)) == at(KYIV, 2026, 6, 10, 14)


def test_a_24_7_calendar_counts_real_time():
    calendar = BusinessCalendar("Europe/Warsaw", WorkingHours.always())
    start = at(WARSAW, 2026, 11, 10, 16)
    assert add_business_time(calendar, start, 30 * H) == start + 30 * H
    assert is_open(calendar, at(WARSAW, 2026, 11, 11, 3))


def test_an_overnight_shift_split_over_two_days_runs_through_midnight():
    hours = WorkingHours.from_mapping(
        {
            0: [("22:00", "24:00")],
            1: [(time(0), time(6)), ("22:00", time.max)],
            2: [("0:00", "6:00")],
        }
    )
    calendar = BusinessCalendar("America/New_York", hours)
    due = add_business_time(calendar, at(NEW_YORK, 2026, 6, 8, 23), 5 * H)
    assert due == at(NEW_YORK, 2026, 6, 9, 4)


def test_an_interval_may_not_cross_midnight():
    with pytest.raises(ValueError, match="crosses midnight"):
        WorkingHours.weekly(("22:00", "06:00"))


def test_overlapping_intervals_are_refused_and_touching_ones_merged():
    with pytest.raises(ValueError, match="overlap"):
        WorkingHours.weekly(("09:00", "13:00"), ("12:00", "17:00"))
    assert WorkingHours.weekly(("09:00", "12:00"), ("12:00", "17:00")) == NINE_TO_FIVE


# -- DST -----------------------------------------------------------------------------------


def test_warsaw_spring_forward_weekend_keeps_monday_wall_clock_hours():
    """Clocks go forward on Sunday 2026-03-29: Friday 16:00 CET + 4 h is Monday 12:00 CEST,
    which is 10:00 UTC (the same wall-clock time a week earlier was 11:00 UTC)."""
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 3, 27, 16), 4 * H)
    assert due == datetime(2026, 3, 30, 10, tzinfo=UTC)
    assert due == at(WARSAW, 2026, 3, 30, 12)


def test_warsaw_fall_back_weekend_keeps_monday_wall_clock_hours():
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 10, 23, 16), 4 * H)
    assert due == datetime(2026, 10, 26, 11, tzinfo=UTC)


def test_a_nine_to_five_day_on_the_dst_sunday_is_still_eight_real_hours():
    every_day = WorkingHours.weekly(("09:00", "17:00"), weekdays=range(7))
    for zone_name, zone, day in [
        ("Europe/Warsaw", WARSAW, date(2026, 3, 29)),
        ("Europe/Warsaw", WARSAW, date(2026, 10, 25)),
        ("America/New_York", NEW_YORK, date(2026, 3, 8)),
        ("America/New_York", NEW_YORK, date(2026, 11, 1)),
        ("Europe/Kyiv", KYIV, date(2026, 3, 29)),
    ]:
        calendar = BusinessCalendar(zone_name, every_day)
        start = datetime.combine(day, time(), zone)
        assert business_time_between(calendar, start, start + 48 * H) == 16 * H
        assert add_business_time(calendar, start, 8 * H) == datetime.combine(day, time(17), zone)


def test_a_24_hour_day_is_23_real_hours_in_spring_and_25_in_autumn():
    for zone_name, zone, spring, autumn in [
        ("Europe/Warsaw", WARSAW, date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", NEW_YORK, date(2026, 3, 8), date(2026, 11, 1)),
    ]:
        calendar = BusinessCalendar(zone_name, WorkingHours.always())
        for day, hours in [(spring, 23), (autumn, 25), (spring - timedelta(days=1), 24)]:
            midnight = datetime.combine(day, time(), zone)
            next_midnight = datetime.combine(day + timedelta(days=1), time(), zone)
            assert business_time_between(calendar, midnight, next_midnight) == hours * H


def test_kyiv_still_changes_clocks_in_the_shipped_tz_database():
    """Checked against zoneinfo rather than assumed: Kyiv goes +02:00 -> +03:00 on
    2026-03-29, so a 24/7 Kyiv day is 23 hours long then."""
    assert at(KYIV, 2026, 3, 28, 12).utcoffset() == 2 * H
    assert at(KYIV, 2026, 3, 30, 12).utcoffset() == 3 * H
    calendar = BusinessCalendar("Europe/Kyiv", WorkingHours.always(), country="UA")
    assert business_time_between(calendar, at(KYIV, 2026, 3, 29), at(KYIV, 2026, 3, 30)) == 23 * H


def test_new_york_dst_weekends_keep_monday_wall_clock_hours():
    calendar = BusinessCalendar("America/New_York", NINE_TO_FIVE, country="US")
    spring = add_business_time(calendar, at(NEW_YORK, 2026, 3, 6, 16), 2 * H)
    assert spring == datetime(2026, 3, 9, 14, tzinfo=UTC)
    autumn = add_business_time(calendar, at(NEW_YORK, 2026, 10, 30, 16), 2 * H)
    assert autumn == datetime(2026, 11, 2, 15, tzinfo=UTC)


def test_hours_inside_the_skipped_hour_hold_no_time_and_the_repeated_hour_counts_twice():
    """A night desk open 02:00-03:00 every day: on 2026-03-29 that hour never shows on Warsaw
    clocks (no business time); on 2026-10-25 it shows twice (two real hours)."""
    calendar = BusinessCalendar(
        "Europe/Warsaw", WorkingHours.weekly(("02:00", "03:00"), weekdays=range(7))
    )
    assert open_intervals(calendar, date(2026, 3, 29)) == ()
    assert open_intervals(calendar, date(2026, 10, 25)) == (
        (datetime(2026, 10, 25, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC)),
    )
    due = add_business_time(calendar, at(WARSAW, 2026, 3, 28, 2, 30), H)
    assert due == at(WARSAW, 2026, 3, 30, 2, 30)


def test_an_interval_ending_in_the_skipped_hour_closes_at_the_change():
    """Open 00:00-02:30 in Warsaw: on 2026-03-29 clocks jump 02:00 -> 03:00, so the day has
    two real hours, closing at 01:00 UTC."""
    calendar = BusinessCalendar(
        "Europe/Warsaw", WorkingHours.weekly(("00:00", "02:30"), weekdays=range(7))
    )
    assert open_intervals(calendar, date(2026, 3, 29)) == (
        (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 1, tzinfo=UTC)),
    )


def test_a_boundary_inside_the_repeated_hour_is_passed_twice():
    """Open 01:00-02:30 in Warsaw: on 2026-10-25 the clock shows 01:00-02:30 CEST, then
    02:00-02:30 again in CET, so the day has two pieces and two real hours."""
    calendar = BusinessCalendar(
        "Europe/Warsaw", WorkingHours.weekly(("01:00", "02:30"), weekdays=range(7))
    )
    assert open_intervals(calendar, date(2026, 10, 25)) == (
        (datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    )


# -- calendar time and guards --------------------------------------------------------------


def test_due_at_without_a_calendar_counts_real_elapsed_time_across_dst():
    """Saturday 12:00 CET + 24 h of calendar time is Sunday 13:00 CEST (24 real hours, not
    24 wall-clock hours)."""
    start = at(WARSAW, 2026, 3, 28, 12)
    due = due_at(None, start, 24 * H)
    assert due == at(WARSAW, 2026, 3, 29, 13)
    assert due.tzinfo is UTC


def test_due_at_with_a_calendar_counts_business_time():
    assert due_at(warsaw_team(), at(WARSAW, 2026, 6, 12, 16), 4 * H) == at(WARSAW, 2026, 6, 15, 12)


def test_a_calendar_without_any_working_time_is_refused():
    closed = WorkingHours.from_mapping({})
    with pytest.raises(ValueError, match="no working time at all"):
        BusinessCalendar("Europe/Warsaw", closed)


def test_running_out_of_working_time_within_the_horizon_is_a_clear_error():
    """Only one extra working day in 2026: a target started after it cannot be met."""
    calendar = BusinessCalendar(
        "Europe/Warsaw",
        WorkingHours.from_mapping({}),
        extra_working_days={date(2026, 1, 10): [("10:00", "12:00")]},
    )
    assert add_business_time(calendar, at(WARSAW, 2026, 1, 1), H) == at(WARSAW, 2026, 1, 10, 11)
    with pytest.raises(ValueError, match="not enough working time within"):
        add_business_time(calendar, at(WARSAW, 2026, 1, 1), 3 * H)
    with pytest.raises(ValueError, match="not enough working time within"):
        next_opening(calendar, at(WARSAW, 2026, 2, 1))


def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(warsaw_team(), datetime(2026, 6, 12, 16), H)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 12, 16), -H)


def test_unknown_zones_and_countries_are_refused():
    with pytest.raises(ValueError, match="unknown time zone"):
        BusinessCalendar("Europe/Atlantis", NINE_TO_FIVE)
    with pytest.raises(ValueError, match="no public holidays known"):
        BusinessCalendar("Europe/Warsaw", NINE_TO_FIVE, country="XX")


def test_a_calendar_is_an_immutable_value():
    calendar = warsaw_team(closures=[date(2026, 5, 4)])
    assert calendar == warsaw_team(closures=(date(2026, 5, 4),))
    assert hash(calendar) == hash(warsaw_team(closures={date(2026, 5, 4)}))
    assert calendar != warsaw_team()
    with pytest.raises(AttributeError):
        calendar.country = "DE"
    assert pickle.loads(pickle.dumps(calendar)) == calendar


def test_a_target_of_exactly_one_business_week_ends_at_the_next_friday_closing():
    due = add_business_time(warsaw_team(), at(WARSAW, 2026, 6, 12, 17), 40 * H)
    assert due == at(WARSAW, 2026, 6, 19, 17)
