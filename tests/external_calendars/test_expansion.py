"""Expanding ICS text into busy intervals on our side (pure, no database): recurrences,
overrides, all-day and floating times in the agent's zone, free and cancelled events."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ical_texts import event, vcalendar

from klient.external_calendars.expansion import CalendarTextError, busy_times, merge

KYIV = ZoneInfo("Europe/Kyiv")
START = datetime(2027, 3, 1, tzinfo=UTC)
END = datetime(2027, 5, 1, tzinfo=UTC)


def spans(text: str, zone: ZoneInfo = KYIV) -> list[tuple[datetime, datetime]]:
    return [(b.start, b.end) for b in busy_times([text], START, END, zone)]


def test_weekly_rule_with_an_exception_date_skips_that_week():
    text = vcalendar(
        event(
            "standup",
            "DTSTART;TZID=Europe/Kyiv:20270301T090000",
            "DTEND;TZID=Europe/Kyiv:20270301T093000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Kyiv:20270308T090000",
        )
    )
    starts = [s for s, _ in spans(text)]
    assert starts == [
        datetime(2027, 3, 1, 7, 0, tzinfo=UTC),
        datetime(2027, 3, 15, 7, 0, tzinfo=UTC),
        # Kyiv moves to summer time on 28 March: 09:00 local is then 06:00 UTC.
        datetime(2027, 3, 22, 7, 0, tzinfo=UTC),
    ]


def test_weekly_rule_keeps_local_time_across_daylight_saving():
    text = vcalendar(
        event(
            "late",
            "DTSTART;TZID=Europe/Kyiv:20270322T090000",
            "DTEND;TZID=Europe/Kyiv:20270322T100000",
            "RRULE:FREQ=WEEKLY;COUNT=2",
        )
    )
    assert [s for s, _ in spans(text)] == [
        datetime(2027, 3, 22, 7, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 6, 0, tzinfo=UTC),
    ]


def test_an_override_moves_one_occurrence_and_a_cancelled_override_frees_another():
    text = vcalendar(
        event(
            "weekly",
            "DTSTART:20270301T100000Z",
            "DTEND:20270301T110000Z",
            "RRULE:FREQ=WEEKLY;COUNT=3",
        ),
        event(
            "weekly",
            "RECURRENCE-ID:20270308T100000Z",
            "DTSTART:20270308T150000Z",
            "DTEND:20270308T160000Z",
        ),
        event(
            "weekly",
            "RECURRENCE-ID:20270315T100000Z",
            "DTSTART:20270315T100000Z",
            "DTEND:20270315T110000Z",
            "STATUS:CANCELLED",
        ),
    )
    assert spans(text) == [
        (datetime(2027, 3, 1, 10, tzinfo=UTC), datetime(2027, 3, 1, 11, tzinfo=UTC)),
        (datetime(2027, 3, 8, 15, tzinfo=UTC), datetime(2027, 3, 8, 16, tzinfo=UTC)),
    ]


def test_an_all_day_event_is_the_whole_local_day_in_the_agents_zone():
    text = vcalendar(event("holiday", "DTSTART;VALUE=DATE:20270310", "DTEND;VALUE=DATE:20270311"))
    assert spans(text) == [
        (datetime(2027, 3, 9, 22, tzinfo=UTC), datetime(2027, 3, 10, 22, tzinfo=UTC))
    ]
    # New York's spring-forward day has 23 hours, and the event covers just those.
    spring = vcalendar(event("dst", "DTSTART;VALUE=DATE:20270314", "DTEND;VALUE=DATE:20270315"))
    assert spans(spring, ZoneInfo("America/New_York")) == [
        (datetime(2027, 3, 14, 5, tzinfo=UTC), datetime(2027, 3, 15, 4, tzinfo=UTC))
    ]


def test_floating_times_are_read_in_the_agents_zone():
    text = vcalendar(event("f", "DTSTART:20270310T090000", "DTEND:20270310T100000"))
    assert spans(text) == [
        (datetime(2027, 3, 10, 7, tzinfo=UTC), datetime(2027, 3, 10, 8, tzinfo=UTC))
    ]


def test_transparent_and_cancelled_events_do_not_block():
    text = vcalendar(
        event("free", "DTSTART:20270310T090000Z", "DTEND:20270310T100000Z", "TRANSP:TRANSPARENT"),
        event("off", "DTSTART:20270311T090000Z", "DTEND:20270311T100000Z", "STATUS:CANCELLED"),
        event("busy", "DTSTART:20270312T090000Z", "DTEND:20270312T100000Z", "TRANSP:OPAQUE"),
    )
    assert [b.uid for b in busy_times([text], START, END, KYIV)] == ["busy"]


def test_several_calendars_in_one_text_and_a_duration_instead_of_an_end():
    text = vcalendar(event("a", "DTSTART:20270310T090000Z", "DURATION:PT45M")) + vcalendar(
        event("b", "DTSTART:20270311T090000Z", "DTEND:20270311T100000Z"),
        event("c", "DTSTART:20270312T090000Z", "DTEND:20270312T100000Z"),
    )
    found = busy_times([text], START, END, KYIV)
    assert [b.uid for b in found] == ["a", "b", "c"]
    assert found[0].end - found[0].start == timedelta(minutes=45)


def test_only_occurrences_overlapping_the_window_are_kept():
    text = vcalendar(
        event("edge", "DTSTART:20270228T230000Z", "DTEND:20270301T010000Z"),
        event("before", "DTSTART:20270228T100000Z", "DTEND:20270228T110000Z"),
        event("after", "DTSTART:20270501T000000Z", "DTEND:20270501T010000Z"),
    )
    assert [b.uid for b in busy_times([text], START, END, KYIV)] == ["edge"]


def test_text_that_is_not_icalendar_is_an_error():
    with pytest.raises(CalendarTextError):
        busy_times(["<html>sign in</html>"], START, END, KYIV)


# -- properties -------------------------------------------------------------------------------

zones = st.sampled_from(
    ["UTC", "Europe/Kyiv", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]
)
moments = st.datetimes(min_value=datetime(2027, 3, 2), max_value=datetime(2027, 4, 28)).map(
    lambda d: d.replace(second=0, microsecond=0)
)
minutes = st.integers(min_value=1, max_value=600)


@given(zone=zones, start=moments, length=minutes)
def test_a_zoned_event_blocks_the_same_instant_whoever_reads_it(zone, start, length):
    """A TZID time is an instant: the agent's zone changes nothing, UTC says the same."""
    local = start.replace(tzinfo=ZoneInfo(zone))
    end = local + timedelta(minutes=length)
    text = vcalendar(
        event(
            "z",
            f"DTSTART;TZID={zone}:{local:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={zone}:{end:%Y%m%dT%H%M%S}",
        )
    )
    utc = vcalendar(
        event(
            "z",
            f"DTSTART:{local.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{end.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        )
    )
    assert spans(text, KYIV) == spans(text, ZoneInfo("America/New_York")) == spans(utc)


@given(zone=zones, start=moments, length=minutes, count=st.integers(1, 6))
def test_a_daily_rule_gives_count_occurrences_unless_transparent(zone, start, length, count):
    lines = [
        f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}",
        f"DURATION:PT{length}M",
        f"RRULE:FREQ=DAILY;COUNT={count}",
    ]
    window_end = datetime(2027, 6, 1, tzinfo=UTC)
    found = busy_times([vcalendar(event("d", *lines))], START, window_end, KYIV)
    assert len(found) == count
    free = busy_times(
        [vcalendar(event("d", *lines, "TRANSP:TRANSPARENT"))], START, window_end, KYIV
    )
    assert free == []


intervals = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 120)).map(
        lambda p: (START + timedelta(minutes=p[0]), START + timedelta(minutes=p[0] + p[1]))
    ),
    max_size=30,
)


@given(intervals)
def test_merge_gives_sorted_disjoint_intervals_covering_the_same_minutes(given_intervals):
    merged = merge(given_intervals)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))

    def covered(items):
        return {
            s + timedelta(minutes=m)
            for s, e in items
            for m in range(int((e - s).total_seconds() // 60))
        }

    assert covered(merged) == covered(given_intervals)


def test_a_zone_defined_in_the_calendar_itself_and_a_windows_zone_name():
    """Outlook and iCloud send their own VTIMEZONE blocks, under names that are not IANA's."""
    vtimezone = "\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Office Time",
            "BEGIN:STANDARD",
            "DTSTART:19701025T040000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "TZOFFSETFROM:+0300",
            "TZOFFSETTO:+0200",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:19700329T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0300",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]
    )
    text = vcalendar(
        vtimezone,
        event(
            "office",
            "DTSTART;TZID=Office Time:20270322T090000",
            "DTEND;TZID=Office Time:20270322T100000",
            "RRULE:FREQ=WEEKLY;COUNT=2",
        ),
        event(
            "windows",
            "DTSTART;TZID=FLE Standard Time:20270310T090000",
            "DTEND;TZID=FLE Standard Time:20270310T093000",
        ),
    )
    assert spans(text, ZoneInfo("UTC")) == [
        (datetime(2027, 3, 10, 7, tzinfo=UTC), datetime(2027, 3, 10, 7, 30, tzinfo=UTC)),
        (datetime(2027, 3, 22, 7, tzinfo=UTC), datetime(2027, 3, 22, 8, tzinfo=UTC)),
        (datetime(2027, 3, 29, 6, tzinfo=UTC), datetime(2027, 3, 29, 7, tzinfo=UTC)),
    ]
