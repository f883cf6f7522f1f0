"""/api/v1/agents/{id}/calendars: an agent adds a CalDAV calendar or an ICS feed, sees
its last sync and last error, syncs it now and removes it; the password never comes
back; only the agent and administrators reach them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from ical_texts import PASSWORD, USER, a_monday, at, event, stamp, vcalendar

from klient.core.models import Event
from klient.external_calendars.models import BusyInterval, ExternalCalendar
from klient.external_calendars.queries import busy_between

TUESDAY = a_monday(2) + timedelta(days=1)


def calendars_url(agent):
    return f"/api/v1/agents/{agent.pk}/calendars"


@pytest.fixture
def remote(radicale):
    return radicale.new_calendar()


def caldav_body(remote, password=PASSWORD):
    return {"kind": "caldav", "url": remote.url, "username": USER, "password": password}


def test_an_agent_adds_a_caldav_calendar_syncs_it_and_never_sees_the_password(
    call, agent_anna, remote, loopback_allowed
):
    remote.put(
        "m", vcalendar(event("m", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    added = call(agent_anna, "post", calendars_url(agent_anna), caldav_body(remote))
    assert added.status_code == 201, added.content
    item = added.json()
    assert item["kind"] == "caldav" and item["url"] == remote.url and item["username"] == USER
    assert item["last_synced_at"] is None and item["last_error"] == ""
    stored = ExternalCalendar.objects.get(pk=item["id"])
    assert PASSWORD not in stored.sealed_password and stored.password() == PASSWORD

    synced = call(agent_anna, "post", f"{calendars_url(agent_anna)}/{item['id']}/sync")
    assert synced.status_code == 200, synced.content
    assert synced.json()["last_synced_at"] is not None and synced.json()["last_error"] == ""
    assert busy_between([agent_anna.pk], at(TUESDAY, 0), at(TUESDAY, 23))[agent_anna.pk] == [
        (at(TUESDAY, 8), at(TUESDAY, 9))
    ]
    listed = call(agent_anna, "get", calendars_url(agent_anna))
    assert [c["id"] for c in listed.json()["items"]] == [item["id"]]
    assert set(listed.json()["items"][0]) >= {
        "id",
        "kind",
        "url",
        "username",
        "last_synced_at",
        "last_error",
    }
    for response in (added, synced, listed):
        assert PASSWORD not in response.content.decode()
        assert "password" not in json.dumps(response.json()).lower()
    kinds = list(
        Event.objects.filter(kind__startswith="external_calendar.").values_list("kind", flat=True)
    )
    assert kinds == ["external_calendar.added", "external_calendar.synced"]
    assert not Event.objects.filter(data__icontains=PASSWORD).exists()


def test_a_sync_that_changes_nothing_writes_no_event(call, agent_anna, remote, loopback_allowed):
    remote.put(
        "m", vcalendar(event("m", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    item = call(agent_anna, "post", calendars_url(agent_anna), caldav_body(remote)).json()
    for _ in range(3):
        assert (
            call(agent_anna, "post", f"{calendars_url(agent_anna)}/{item['id']}/sync").status_code
            == 200
        )
    assert Event.objects.filter(kind="external_calendar.synced").count() == 1


def test_a_wrong_password_is_recorded_as_last_error_without_the_password(
    call, agent_anna, remote, loopback_allowed
):
    item = call(
        agent_anna, "post", calendars_url(agent_anna), caldav_body(remote, "wrong-pw-123")
    ).json()
    synced = call(agent_anna, "post", f"{calendars_url(agent_anna)}/{item['id']}/sync")
    assert synced.status_code == 200
    error = synced.json()["last_error"]
    assert error and "wrong-pw-123" not in synced.content.decode()
    assert synced.json()["last_synced_at"] is None
    assert Event.objects.filter(kind="external_calendar.failed").count() == 1
    # The same error again is not a new event.
    call(agent_anna, "post", f"{calendars_url(agent_anna)}/{item['id']}/sync")
    assert Event.objects.filter(kind="external_calendar.failed").count() == 1


def test_an_ics_feed_over_http_with_several_events(call, agent_anna, feed_server, loopback_allowed):
    feed_server.serve(
        vcalendar(
            event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"),
            event("b", f"DTSTART:{stamp(TUESDAY, 10)}Z", f"DTEND:{stamp(TUESDAY, 11)}Z"),
            event(
                "c",
                f"DTSTART:{stamp(TUESDAY, 12)}Z",
                f"DTEND:{stamp(TUESDAY, 13)}Z",
                "TRANSP:TRANSPARENT",
            ),
        )
    )
    added = call(
        agent_anna, "post", calendars_url(agent_anna), {"kind": "ics", "url": feed_server.url}
    )
    assert added.status_code == 201, added.content
    synced = call(agent_anna, "post", f"{calendars_url(agent_anna)}/{added.json()['id']}/sync")
    assert synced.json()["last_error"] == ""
    assert busy_between([agent_anna.pk], at(TUESDAY, 0), at(TUESDAY, 23))[agent_anna.pk] == [
        (at(TUESDAY, 8), at(TUESDAY, 9)),
        (at(TUESDAY, 10), at(TUESDAY, 11)),
    ]
    assert feed_server.requests == ["/agenda.ics"]


def test_a_failing_feed_keeps_the_old_busy_times(call, agent_anna, feed_server, loopback_allowed):
    feed_server.serve(
        vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    item = call(
        agent_anna, "post", calendars_url(agent_anna), {"kind": "ics", "url": feed_server.url}
    ).json()
    sync_url = f"{calendars_url(agent_anna)}/{item['id']}/sync"
    first = call(agent_anna, "post", sync_url).json()
    feed_server.status = 500
    failed = call(agent_anna, "post", sync_url).json()
    assert "500" in failed["last_error"]
    assert failed["last_synced_at"] == first["last_synced_at"]
    assert BusyInterval.objects.filter(calendar_id=item["id"]).count() == 1
    feed_server.status, feed_server.body = 200, b"<html>Please sign in</html>"
    assert "iCalendar" in call(agent_anna, "post", sync_url).json()["last_error"]
    assert BusyInterval.objects.filter(calendar_id=item["id"]).count() == 1
    feed_server.redirect_to = "http://169.254.169.254/latest/meta-data/"
    assert "redirect" in call(agent_anna, "post", sync_url).json()["last_error"]


def test_removing_a_calendar_frees_its_busy_times(call, agent_anna, feed_server, loopback_allowed):
    feed_server.serve(
        vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    item = call(
        agent_anna, "post", calendars_url(agent_anna), {"kind": "ics", "url": feed_server.url}
    ).json()
    call(agent_anna, "post", f"{calendars_url(agent_anna)}/{item['id']}/sync")
    removed = call(agent_anna, "delete", f"{calendars_url(agent_anna)}/{item['id']}")
    assert removed.status_code == 200 and removed.json()["id"] == item["id"]
    assert busy_between([agent_anna.pk], at(TUESDAY, 0), at(TUESDAY, 23))[agent_anna.pk] == []
    assert call(agent_anna, "get", calendars_url(agent_anna)).json()["items"] == []
    assert Event.objects.filter(kind="external_calendar.removed").count() == 1


def test_only_the_agent_and_administrators_reach_the_calendars(
    call, agent_anna, agent_bruno, admin_zofia, feed_server, loopback_allowed
):
    body = {"kind": "ics", "url": feed_server.url}
    assert call(agent_bruno, "post", calendars_url(agent_anna), body).status_code == 404
    assert call(agent_bruno, "get", calendars_url(agent_anna)).status_code == 404
    added = call(admin_zofia, "post", calendars_url(agent_anna), body)
    assert added.status_code == 201
    item_url = f"{calendars_url(agent_anna)}/{added.json()['id']}"
    assert call(agent_bruno, "post", f"{item_url}/sync").status_code == 404
    assert call(agent_bruno, "delete", item_url).status_code == 404
    # Another agent's calendar id under one's own path is not found either.
    assert (
        call(
            agent_bruno, "delete", f"{calendars_url(agent_bruno)}/{added.json()['id']}"
        ).status_code
        == 404
    )
    assert (
        call(agent_anna, "get", calendars_url(agent_anna)).json()["items"][0]["id"]
        == added.json()["id"]
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5232/anna/work/",
        "http://10.1.2.3/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:5232/anna/",
        "http://localhost:5232/anna/",  # a name that resolves to loopback
        "http://[::ffff:127.0.0.1]/x.ics",
        "ftp://calendar.example.com/x.ics",
        "file:///etc/passwd",
        "http://anna:secret@calendar.example.com/x.ics",
    ],
)
def test_urls_on_non_public_addresses_are_refused(call, agent_anna, url):
    refused = call(agent_anna, "post", calendars_url(agent_anna), {"kind": "ics", "url": url})
    assert refused.status_code == 422, refused.content
    assert "refused" in refused.json()["detail"]
    assert not ExternalCalendar.objects.exists()


def test_an_allowed_host_is_checked_again_at_every_fetch(call, agent_anna, feed_server, settings):
    settings.KLIENT_CALENDAR_ALLOWED_HOSTS = "calendar.office.example, 127.0.0.1"
    feed_server.serve(
        vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    item = call(
        agent_anna, "post", calendars_url(agent_anna), {"kind": "ics", "url": feed_server.url}
    ).json()
    settings.KLIENT_CALENDAR_ALLOWED_HOSTS = "calendar.office.example"
    synced = call(agent_anna, "post", f"{calendars_url(agent_anna)}/{item['id']}/sync").json()
    assert "refused" in synced["last_error"]
    assert feed_server.requests == []


def test_bad_bodies_are_refused_with_a_reason(call, agent_anna, feed_server, loopback_allowed):
    url = calendars_url(agent_anna)
    assert (
        call(agent_anna, "post", url, {"kind": "outlook", "url": feed_server.url}).status_code
        == 422
    )
    ics_with_password = {"kind": "ics", "url": feed_server.url, "username": "a", "password": "b"}
    assert call(agent_anna, "post", url, ics_with_password).status_code == 422
    assert call(agent_anna, "post", url, {"kind": "ics"}).status_code == 422
    assert not ExternalCalendar.objects.exists()
