"""Business-time clock against a brute-force oracle (hypothesis).

The oracle is deliberately naive and independent of klient.calendars: it walks UTC minutes, turns
each into local wall-clock time with zoneinfo, and asks whether that local date is a working
day (closures, extra days, the holidays package) and that wall-clock minute lies inside the
day's hours. The calendars are chosen so that opening hours touch the DST changes."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.calendars import (
    BusinessCalendar,
    WorkingHours,
    add_business_time,
    business_time_between,
    is_open,
    next_opening,
)

MINUTE = timedelta(minutes=1)
EVERY_DAY = range(7)


@dataclass(frozen=True)
class Spec:
    """One team's hours as plain data: weekday -> [("HH:MM", "HH:MM")]."""

    zone: str
    weekly: dict
    country: str | None = None
    subdivision: str | None = None
    closures: frozenset = frozenset()
    extra: dict = field(default_factory=dict)

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            self.zone,
            WorkingHours.from_mapping(self.weekly),
            country=self.country,
            subdivision=self.subdivision,
            closures=self.closures,
            extra_working_days=self.extra,
        )


def spread(days, intervals):
    return dict.fromkeys(days, tuple(intervals))


SPECS = [
    Spec(
        "Europe/Warsaw",
        spread(range(5), [("09:00", "17:00")]),
        country="PL",
        closures=frozenset({date(2026, 5, 4), date(2026, 3, 30)}),
        extra={date(2026, 11, 14): (("10:00", "14:00"),), date(2026, 3, 29): (("01:30", "03:30"),)},
    ),
    Spec("Europe/Kyiv", spread(range(5), [("09:00", "13:00"), ("14:00", "18:00")]), country="UA"),
    Spec(
        "America/New_York",
        {**spread(range(5), [("08:00", "12:00"), ("13:00", "17:30")]), 5: (("10:00", "14:00"),)},
        country="US",
    ),
    # A night desk whose hours straddle the 02:00/03:00 DST changes of Warsaw.
    Spec(
        "Europe/Warsaw",
        {
            **spread(range(6), [("00:00", "02:30"), ("22:00", "24:00")]),
            6: (("01:00", "02:30"), ("02:45", "03:30")),
        },
    ),
    # A weekend-only 24 h desk in New York (changes on Sundays at 02:00).
    Spec("America/New_York", spread((5, 6), [("00:00", "24:00")]), country="US"),
    Spec("Europe/Berlin", spread(range(5), [("07:30", "16:00")]), country="DE", subdivision="BY"),
    Spec("Europe/London", spread(EVERY_DAY, [("08:00", "20:00")]), country="GB"),
]
CALENDARS = [spec.calendar() for spec in SPECS]


# -- the naive oracle ------------------------------------------------------------------------


def to_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@cache
def holiday_table(country, subdivision):
    return holidays.country_holidays(country, subdiv=subdivision)


@lru_cache(maxsize=100_000)
def wall_minutes(index: int, day: date) -> tuple:
    spec = SPECS[index]
    if day in spec.closures:
        return ()
    if day in spec.extra:
        hours = spec.extra[day]
    elif spec.country and day in holiday_table(spec.country, spec.subdivision):
        return ()
    else:
        hours = spec.weekly.get(day.weekday(), ())
    return tuple((to_minutes(start), to_minutes(end)) for start, end in hours)


def naive_open(index: int, epoch_minute: int) -> bool:
    local = datetime.fromtimestamp(epoch_minute * 60, tz=ZoneInfo(SPECS[index].zone))
    minute_of_day = local.hour * 60 + local.minute
    return any(s <= minute_of_day < e for s, e in wall_minutes(index, local.date()))


def epoch_minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def from_minute(value: int) -> datetime:
    return datetime.fromtimestamp(value * 60, tz=UTC)


def naive_add(index: int, start: int, minutes: int) -> int:
    if minutes == 0:
        return start
    counted, minute = 0, start
    while True:
        if naive_open(index, minute):
            counted += 1
            if counted == minutes:
                return minute + 1
        minute += 1


def naive_between(index: int, start: int, end: int) -> int:
    return sum(naive_open(index, minute) for minute in range(start, end))


# -- strategies --------------------------------------------------------------------------------

YEAR_START = epoch_minute(datetime(2026, 1, 1, tzinfo=UTC))
YEAR_END = epoch_minute(datetime(2026, 12, 31, tzinfo=UTC))
DST_CHANGES = [
    epoch_minute(datetime(2026, 3, 29, 1, tzinfo=UTC)),  # Europe (Warsaw, Kyiv, Berlin, London)
    epoch_minute(datetime(2026, 10, 25, 1, tzinfo=UTC)),
    epoch_minute(datetime(2026, 3, 8, 7, tzinfo=UTC)),  # America/New_York
    epoch_minute(datetime(2026, 11, 1, 6, tzinfo=UTC)),
]
DAY = 24 * 60

calendars = st.integers(0, len(SPECS) - 1)
start_minutes = st.one_of(
    st.integers(YEAR_START, YEAR_END),
    st.builds(
        lambda change, shift: change + shift,
        st.sampled_from(DST_CHANGES),
        st.integers(-4 * DAY, DAY),
    ),
)
# Up to three business days of eight hours.
business_minutes = st.integers(0, 3 * 8 * 60)

brute_force = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
cheap = settings(max_examples=400, deadline=None, database=None)


@brute_force
@given(index=calendars, start=start_minutes, minutes=business_minutes)
def test_add_business_time_matches_a_minute_by_minute_count(index, start, minutes):
    due = add_business_time(CALENDARS[index], from_minute(start), minutes * MINUTE)
    assert due == from_minute(naive_add(index, start, minutes))


@brute_force
@given(index=calendars, start=start_minutes, span=st.integers(0, 8 * DAY))
def test_business_time_between_matches_a_minute_by_minute_count(index, start, span):
    elapsed = business_time_between(CALENDARS[index], from_minute(start), from_minute(start + span))
    assert elapsed == naive_between(index, start, start + span) * MINUTE


@brute_force
@given(index=calendars, minute=start_minutes, seconds=st.integers(0, 59))
def test_is_open_and_next_opening_match_the_wall_clock(index, minute, seconds):
    moment = from_minute(minute) + timedelta(seconds=seconds)
    assert is_open(CALENDARS[index], moment) == naive_open(index, minute)
    opening = next_opening(CALENDARS[index], moment)
    if naive_open(index, minute):
        assert opening == moment
    else:
        first_open = minute + 1
        while not naive_open(index, first_open):
            first_open += 1
        assert opening == from_minute(first_open)


@cheap
@given(
    index=calendars,
    start=st.datetimes(
        min_value=datetime(2025, 12, 1),
        max_value=datetime(2027, 1, 31),
        timezones=st.sampled_from([UTC, ZoneInfo("Europe/Warsaw"), ZoneInfo("America/New_York")]),
    ),
    duration=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=600)),
)
def test_the_business_time_until_the_due_date_is_the_duration(index, start, duration):
    """Inverse property, at microsecond resolution, up to 75 business days (week jumps)."""
    calendar = CALENDARS[index]
    due = add_business_time(calendar, start, duration)
    assert due >= start
    assert business_time_between(calendar, start, due) == duration


@cheap
@given(
    index=calendars,
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    first=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=300)),
    second=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=300)),
)
def test_adding_in_two_steps_is_adding_once(index, start, first, second):
    calendar = CALENDARS[index]
    halfway = add_business_time(calendar, start, first)
    assert add_business_time(calendar, halfway, second) == add_business_time(
        calendar, start, first + second
    )
