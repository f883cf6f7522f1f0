"""Busy times are refreshed by the worker's sweeps (core.wiring.SWEEPS), one worker per
calendar at a time; a calendar that recovers from a failure says so once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from ical_texts import a_monday, at, event, stamp, vcalendar

from klient.core import wiring, work
from klient.core.models import Event
from klient.external_calendars.actions import add_calendar
from klient.external_calendars.models import ExternalCalendar
from klient.external_calendars.queries import busy_between
from klient.external_calendars.sync import SYNC_WORK, sync_due_calendars

TUESDAY = a_monday(2) + timedelta(days=1)


def test_the_workers_sweep_reads_a_new_calendar(agent_anna, feed_server, loopback_allowed):
    feed_server.serve(
        vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    add_calendar(agent_anna, actor=agent_anna, kind="ics", url=feed_server.url)
    wiring.sweep()
    assert busy_between([agent_anna.pk], at(TUESDAY, 0), at(TUESDAY, 23))[agent_anna.pk] == [
        (at(TUESDAY, 8), at(TUESDAY, 9))
    ]
    assert ExternalCalendar.objects.get().lease_until is None


def test_a_calendar_another_worker_holds_is_left_to_it(agent_anna, feed_server, loopback_allowed):
    feed_server.serve(vcalendar())
    calendar = add_calendar(agent_anna, actor=agent_anna, kind="ics", url=feed_server.url)
    held = work.claim_one(SYNC_WORK, calendar.pk)
    assert held is not None
    assert sync_due_calendars() == 0
    assert feed_server.requests == []
    # Its worker died: once the lease runs out, the sweep takes it over.
    ExternalCalendar.objects.filter(pk=calendar.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert sync_due_calendars() == 1
    assert feed_server.requests == ["/agenda.ics"]


def test_recovering_after_a_failure_is_one_synced_event(
    agent_anna, feed_server, settings, loopback_allowed
):
    settings.KLIENT_CALENDAR_SYNC_MINUTES = "0"
    feed_server.serve(
        vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    add_calendar(agent_anna, actor=agent_anna, kind="ics", url=feed_server.url)
    sync_due_calendars()
    feed_server.status = 502
    sync_due_calendars()
    sync_due_calendars()
    feed_server.status = 200
    sync_due_calendars()
    sync_due_calendars()
    kinds = list(
        Event.objects.filter(kind__startswith="external_calendar.")
        .order_by("pk")
        .values_list("kind", "data")
    )
    assert [kind for kind, _ in kinds] == [
        "external_calendar.added",
        "external_calendar.synced",
        "external_calendar.failed",
        "external_calendar.synced",
    ]
    assert kinds[-1][1]["recovered"] is True
    assert ExternalCalendar.objects.get().last_error == ""
