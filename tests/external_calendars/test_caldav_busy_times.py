"""An agent's CalDAV calendar on a real Radicale server: every recurrence form blocks
exactly the times it should (and frees the others), and a change made in the calendar
shows up in busy_between after the next sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ical_texts import KYIV, NEW_YORK, PASSWORD, USER, a_monday, at, event, stamp, vcalendar

from klient.external_calendars.actions import add_calendar
from klient.external_calendars.models import BusyInterval, ExternalCalendar
from klient.external_calendars.queries import busy_between
from klient.external_calendars.sync import sync_calendar, sync_due_calendars

MONDAY = a_monday(3)
TUESDAY = MONDAY + timedelta(days=1)
WEEK = timedelta(days=7)


@pytest.fixture
def anna_in_kyiv(agent_anna):
    agent_anna.agent.time_zone = "Europe/Kyiv"
    agent_anna.agent.save(update_fields=["time_zone"])
    return agent_anna


@pytest.fixture
def remote(radicale):
    return radicale.new_calendar()


@pytest.fixture
def linked(remote, anna_in_kyiv, loopback_allowed):
    return add_calendar(
        anna_in_kyiv,
        actor=anna_in_kyiv,
        kind="caldav",
        url=remote.url,
        username=USER,
        password=PASSWORD,
    )


def busy(agent, start, end):
    return busy_between([agent.pk], start, end)[agent.pk]


def is_busy(agent, start, minutes=30):
    return bool(busy(agent, start, start + timedelta(minutes=minutes)))


def test_weekly_rule_with_an_exception_date(remote, linked, anna_in_kyiv):
    remote.put(
        "standup",
        vcalendar(
            event(
                "standup",
                f"DTSTART;TZID=Europe/Kyiv:{stamp(MONDAY, 9)}",
                f"DTEND;TZID=Europe/Kyiv:{stamp(MONDAY, 9, 30)}",
                "RRULE:FREQ=WEEKLY;COUNT=3",
                f"EXDATE;TZID=Europe/Kyiv:{stamp(MONDAY + WEEK, 9)}",
            )
        ),
    )
    assert sync_calendar(linked) == ""
    assert is_busy(anna_in_kyiv, at(MONDAY, 9, zone=KYIV))
    assert not is_busy(anna_in_kyiv, at(MONDAY + WEEK, 9, zone=KYIV))
    assert is_busy(anna_in_kyiv, at(MONDAY + 2 * WEEK, 9, zone=KYIV))
    assert not is_busy(anna_in_kyiv, at(MONDAY + 3 * WEEK, 9, zone=KYIV))
    assert not is_busy(anna_in_kyiv, at(MONDAY, 9, 30, zone=KYIV))


def test_an_override_moved_and_one_cancelled(remote, linked, anna_in_kyiv):
    first = at(MONDAY, 10)
    second, third = first + WEEK, first + 2 * WEEK
    moved_to = second + timedelta(hours=5)
    remote.put(
        "weekly",
        vcalendar(
            event(
                "weekly",
                f"DTSTART:{stamp(MONDAY, 10)}Z",
                f"DTEND:{stamp(MONDAY, 11)}Z",
                "RRULE:FREQ=WEEKLY;COUNT=3",
            ),
            event(
                "weekly",
                f"RECURRENCE-ID:{second:%Y%m%dT%H%M%SZ}",
                f"DTSTART:{moved_to:%Y%m%dT%H%M%SZ}",
                f"DTEND:{moved_to + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            ),
            event(
                "weekly",
                f"RECURRENCE-ID:{third:%Y%m%dT%H%M%SZ}",
                f"DTSTART:{third:%Y%m%dT%H%M%SZ}",
                f"DTEND:{third + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
                "STATUS:CANCELLED",
            ),
        ),
    )
    assert sync_calendar(linked) == ""
    assert is_busy(anna_in_kyiv, first)
    assert not is_busy(anna_in_kyiv, second)
    assert is_busy(anna_in_kyiv, moved_to)
    assert not is_busy(anna_in_kyiv, third)


def test_all_day_floating_and_tzid_events(remote, linked, anna_in_kyiv):
    remote.put(
        "holiday",
        vcalendar(
            event(
                "holiday",
                f"DTSTART;VALUE=DATE:{MONDAY:%Y%m%d}",
                f"DTEND;VALUE=DATE:{TUESDAY:%Y%m%d}",
            )
        ),
    )
    remote.put(
        "floating",
        vcalendar(event("floating", f"DTSTART:{stamp(TUESDAY, 9)}", f"DTEND:{stamp(TUESDAY, 10)}")),
    )
    remote.put(
        "new-york",
        vcalendar(
            event(
                "new-york",
                f"DTSTART;TZID=America/New_York:{stamp(TUESDAY, 9)}",
                f"DTEND;TZID=America/New_York:{stamp(TUESDAY, 10)}",
            )
        ),
    )
    assert sync_calendar(linked) == ""
    # The whole Kyiv day, not the UTC one.
    assert busy(
        anna_in_kyiv, at(MONDAY, 0, zone=KYIV) - timedelta(hours=6), at(TUESDAY, 0, zone=KYIV)
    )[0] == (at(MONDAY, 0, zone=KYIV), at(TUESDAY, 0, zone=KYIV))
    assert not is_busy(anna_in_kyiv, at(TUESDAY, 0, zone=KYIV))
    # Floating 09:00 is 09:00 in Kyiv; the New York one is 09:00 there.
    assert is_busy(anna_in_kyiv, at(TUESDAY, 9, zone=KYIV))
    assert not is_busy(anna_in_kyiv, at(TUESDAY, 9, zone=KYIV) + timedelta(hours=1))
    assert is_busy(anna_in_kyiv, at(TUESDAY, 9, zone=NEW_YORK))
    assert not is_busy(anna_in_kyiv, at(TUESDAY, 9, zone=NEW_YORK) - timedelta(hours=1))


def test_transparent_and_cancelled_events_do_not_block(remote, linked, anna_in_kyiv):
    """(Several VEVENTs in one object are a master and its overrides on CalDAV, above;
    several UIDs in one text are an ICS feed's, in the API tests.)"""
    remote.put(
        "one",
        vcalendar(event("one", f"DTSTART:{stamp(TUESDAY, 12)}Z", f"DTEND:{stamp(TUESDAY, 13)}Z")),
    )
    remote.put(
        "two",
        vcalendar(event("two", f"DTSTART:{stamp(TUESDAY, 14)}Z", f"DTEND:{stamp(TUESDAY, 15)}Z")),
    )
    remote.put(
        "free",
        vcalendar(
            event(
                "free",
                f"DTSTART:{stamp(TUESDAY, 16)}Z",
                f"DTEND:{stamp(TUESDAY, 17)}Z",
                "TRANSP:TRANSPARENT",
            )
        ),
    )
    remote.put(
        "off",
        vcalendar(
            event(
                "off",
                f"DTSTART:{stamp(TUESDAY, 18)}Z",
                f"DTEND:{stamp(TUESDAY, 19)}Z",
                "STATUS:CANCELLED",
            )
        ),
    )
    assert sync_calendar(linked) == ""
    assert busy(anna_in_kyiv, at(TUESDAY, 0), at(TUESDAY, 23)) == [
        (at(TUESDAY, 12), at(TUESDAY, 13)),
        (at(TUESDAY, 14), at(TUESDAY, 15)),
    ]


def test_a_change_in_the_calendar_shows_after_the_next_sync(remote, linked, anna_in_kyiv, settings):
    remote.put(
        "meeting",
        vcalendar(event("meeting", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z")),
    )
    assert sync_due_calendars() == 1
    assert is_busy(anna_in_kyiv, at(TUESDAY, 8))
    # Moved in the calendar app: still the old time until the next sync.
    remote.put(
        "meeting",
        vcalendar(
            event("meeting", f"DTSTART:{stamp(TUESDAY, 11)}Z", f"DTEND:{stamp(TUESDAY, 12)}Z")
        ),
    )
    assert sync_due_calendars() == 0  # not due yet
    assert is_busy(anna_in_kyiv, at(TUESDAY, 8))
    settings.KLIENT_CALENDAR_SYNC_MINUTES = "0"
    assert sync_due_calendars() == 1
    assert not is_busy(anna_in_kyiv, at(TUESDAY, 8))
    assert is_busy(anna_in_kyiv, at(TUESDAY, 11))
    remote.delete("meeting")
    assert sync_due_calendars() == 1
    assert not is_busy(anna_in_kyiv, at(TUESDAY, 11))


def test_a_failing_server_keeps_the_old_busy_times_and_says_why(remote, linked, anna_in_kyiv):
    remote.put(
        "meeting",
        vcalendar(event("meeting", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z")),
    )
    assert sync_calendar(linked) == ""
    good = linked.last_synced_at
    # The password changed on the server's side (here: a wrong one in Klient).
    from klient.core.sealing import seal

    ExternalCalendar.objects.filter(pk=linked.pk).update(sealed_password=seal("not-the-password"))
    linked.refresh_from_db()
    error = sync_calendar(linked)
    linked.refresh_from_db()
    assert "401" in error or "Unauthorized" in error or "Authorization" in error, error
    assert linked.last_error == error
    assert "not-the-password" not in error and PASSWORD not in error
    assert linked.last_synced_at == good
    assert BusyInterval.objects.filter(calendar=linked).count() == 1
    assert is_busy(anna_in_kyiv, at(TUESDAY, 8))


def test_busy_between_merges_calendars_and_answers_every_agent(
    remote, linked, anna_in_kyiv, agent_bruno, radicale
):
    other = radicale.new_calendar()
    add_calendar(
        anna_in_kyiv,
        actor=anna_in_kyiv,
        kind="caldav",
        url=other.url,
        username=USER,
        password=PASSWORD,
    )
    remote.put(
        "a", vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 10)}Z"))
    )
    other.put(
        "b", vcalendar(event("b", f"DTSTART:{stamp(TUESDAY, 9)}Z", f"DTEND:{stamp(TUESDAY, 11)}Z"))
    )
    assert sync_due_calendars() == 2
    found = busy_between([anna_in_kyiv.pk, agent_bruno.pk], at(TUESDAY, 10, 30), at(TUESDAY, 12))
    # Merged across both calendars, cut at the window's edges.
    assert found == {anna_in_kyiv.pk: [(at(TUESDAY, 10, 30), at(TUESDAY, 11))], agent_bruno.pk: []}
    assert busy(anna_in_kyiv, at(TUESDAY, 0), at(TUESDAY, 23)) == [
        (at(TUESDAY, 8), at(TUESDAY, 11))
    ]
    assert all(
        s.tzinfo is not None and s.utcoffset() == timedelta(0) for s, _ in found[anna_in_kyiv.pk]
    )
