"""The availability rules, property-tested on the pure module: whatever the working time,
appointments, busy times and rules, every slot offered keeps every rule, and a slot is left
out only for a reason."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from klient.calendars import BusinessCalendar, WorkingHours
from klient.calendars.absences import AgentCalendar
from klient.scheduling.availability import Booked, Rules, free_slots, merge

KYIV = ZoneInfo("Europe/Kyiv")
START = datetime(2027, 3, 22, tzinfo=UTC)  # the fortnight around Kyiv's spring DST change
DAYS = 14
END = START + timedelta(days=DAYS)
HOURS = BusinessCalendar(
    "Europe/Kyiv",
    WorkingHours.from_mapping(
        {
            0: [("09:00", "13:00"), ("14:00", "18:00")],
            1: [("09:00", "18:00")],
            2: [("08:30", "12:00")],
            3: [("00:00", "24:00")],
            4: [("10:00", "16:45")],
            6: [("00:00", "03:30"), ("22:00", "24:00")],
        }
    ),
)

minutes = st.integers(min_value=0, max_value=DAYS * 24 * 60)


def spans(max_size: int, longest: int) -> st.SearchStrategy[list[tuple[datetime, datetime]]]:
    def span(pair: tuple[int, int]) -> tuple[datetime, datetime]:
        at, length = pair
        start = START + timedelta(minutes=at)
        return start, start + timedelta(minutes=length)

    return st.lists(
        st.tuples(minutes, st.integers(min_value=1, max_value=longest)).map(span),
        max_size=max_size,
    )


appointments = st.lists(
    st.tuples(
        minutes,
        st.sampled_from([15, 30, 45, 60, 90]),
        st.sampled_from([0, 5, 15, 30]),
        st.sampled_from([0, 10, 15, 60]),
        st.booleans(),
    ).map(
        lambda t: Booked(
            START + timedelta(minutes=t[0]),
            START + timedelta(minutes=t[0] + t[1]),
            timedelta(minutes=t[2]),
            timedelta(minutes=t[3]),
            counts_for_limit=t[4],
        )
    ),
    max_size=25,
)

rules = st.builds(
    Rules,
    duration=st.sampled_from([15, 20, 30, 45, 60, 90]).map(lambda m: timedelta(minutes=m)),
    step=st.sampled_from([10, 15, 20, 30, 45, 60]).map(lambda m: timedelta(minutes=m)),
    buffer_before=st.sampled_from([0, 5, 15, 30]).map(lambda m: timedelta(minutes=m)),
    buffer_after=st.sampled_from([0, 10, 15, 60]).map(lambda m: timedelta(minutes=m)),
    minimum_notice=st.integers(min_value=0, max_value=3 * 24 * 60).map(
        lambda m: timedelta(minutes=m)
    ),
    horizon=st.integers(min_value=1, max_value=DAYS + 2).map(lambda d: timedelta(days=d)),
    max_per_day=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
)


def working_of(absences: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    calendar = AgentCalendar(HOURS, absences)
    first = START.astimezone(KYIV).date()
    return [
        span
        for offset in range(-1, DAYS + 2)
        for span in calendar.open_intervals(first + timedelta(days=offset))
    ]


def on_grid(moment: datetime, step: timedelta) -> bool:
    local = moment.astimezone(KYIV)
    since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)
    return since_midnight % step == timedelta(0)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@settings(max_examples=150, deadline=None)
@given(
    absences=spans(4, 3 * 24 * 60),
    booked=appointments,
    busy=spans(10, 8 * 60),
    rules=rules,
    now_minute=st.integers(min_value=-24 * 60, max_value=3 * 24 * 60),
    window=st.tuples(minutes, minutes).map(sorted),
)
def test_every_slot_keeps_every_rule(absences, booked, busy, rules, now_minute, window):
    now = START + timedelta(minutes=now_minute)
    window_span = (START + timedelta(minutes=window[0]), START + timedelta(minutes=window[1]))
    working = working_of(absences)
    slots = free_slots(
        working=working,
        booked=booked,
        busy=busy,
        rules=rules,
        zone=KYIV,
        now=now,
        window=window_span,
    )
    merged_working = merge(working)
    assert slots == sorted(set(slots)), "in order, each once"
    for start, end in slots:
        buffered = (start - rules.buffer_before, end + rules.buffer_after)
        assert end - start == rules.duration
        assert any(o <= start and end <= c for o, c in merged_working), "inside working time"
        assert not any(overlaps(buffered, b) for b in busy), "clear of busy times"
        assert not any(overlaps(buffered, b.span) for b in booked), "clear of appointments"
        assert start >= now + rules.minimum_notice
        assert start < now + rules.horizon
        assert window_span[0] <= start < window_span[1]
        assert on_grid(start, rules.step)
        if rules.max_per_day is not None:
            day = start.astimezone(KYIV).date()
            same_day = [
                b for b in booked if b.counts_for_limit and b.start.astimezone(KYIV).date() == day
            ]
            assert len(same_day) < rules.max_per_day
    for (earlier, _), (later, _) in itertools.pairwise(slots):
        assert later - earlier >= rules.step, "one slot per step"


@settings(max_examples=100, deadline=None)
@given(rules=rules, busy=spans(6, 6 * 60))
def test_nothing_free_is_left_out(rules, busy):
    """Every grid point that keeps the rules is offered (checked against a naive scan)."""
    now = START - timedelta(days=1)
    working = working_of([])
    window = (START, END)
    slots = set(
        free_slots(working=working, busy=busy, rules=rules, zone=KYIV, now=now, window=window)
    )
    merged_working = merge(working)
    candidate = START
    while candidate < END:
        end = candidate + rules.duration
        buffered = (candidate - rules.buffer_before, end + rules.buffer_after)
        free = (
            on_grid(candidate, rules.step)
            and candidate >= now + rules.minimum_notice
            and candidate < now + rules.horizon
            and any(o <= candidate and end <= c for o, c in merged_working)
            and not any(overlaps(buffered, b) for b in busy)
        )
        assert ((candidate, end) in slots) == free, candidate
        candidate += timedelta(minutes=5)
