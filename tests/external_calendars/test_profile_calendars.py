"""The agent's external calendars on their profile page: they add an ICS feed, sync it,
see its last sync and last error, and remove it; in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ical_texts import a_monday, event, stamp, vcalendar

from klient.external_calendars.models import ExternalCalendar

TUESDAY = a_monday(2) + timedelta(days=1)


@pytest.fixture
def signed_in(client, agent_anna):
    client.force_login(agent_anna)
    return client


def test_an_agent_adds_syncs_and_removes_a_feed_on_their_profile(
    signed_in, agent_anna, feed_server, loopback_allowed
):
    page = signed_in.get("/profile/")
    assert "Your external calendars" in page.content.decode()
    assert "No external calendar yet." in page.content.decode()

    feed_server.serve(
        vcalendar(event("a", f"DTSTART:{stamp(TUESDAY, 8)}Z", f"DTEND:{stamp(TUESDAY, 9)}Z"))
    )
    added = signed_in.post(
        "/profile/calendars/", {"kind": "ics", "url": feed_server.url}, follow=True
    )
    assert "Calendar added" in added.content.decode()
    calendar = ExternalCalendar.objects.get(agent=agent_anna)
    assert "not yet" in added.content.decode()

    synced = signed_in.post(f"/profile/calendars/{calendar.pk}/sync/", follow=True)
    assert "Calendar synced." in synced.content.decode()
    calendar.refresh_from_db()
    assert calendar.last_synced_at is not None

    feed_server.status = 503
    failed = signed_in.post(f"/profile/calendars/{calendar.pk}/sync/", follow=True).content.decode()
    assert "HTTP 503" in failed  # the last error, shown on the page

    removed = signed_in.post(f"/profile/calendars/{calendar.pk}/delete/", follow=True)
    assert "Calendar removed." in removed.content.decode()
    assert not ExternalCalendar.objects.exists()


def test_a_refused_url_is_explained_on_the_page(signed_in):
    page = signed_in.post(
        "/profile/calendars/", {"kind": "ics", "url": "http://169.254.169.254/x.ics"}, follow=True
    ).content.decode()
    assert "This calendar URL is refused" in page
    assert not ExternalCalendar.objects.exists()


def test_another_agents_calendar_cannot_be_removed(
    signed_in, agent_bruno, feed_server, loopback_allowed
):
    from klient.external_calendars.actions import add_calendar

    theirs = add_calendar(agent_bruno, actor=agent_bruno, kind="ics", url=feed_server.url)
    assert signed_in.post(f"/profile/calendars/{theirs.pk}/delete/").status_code == 404
    assert ExternalCalendar.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Vos calendriers externes"),
        ("pl", "Twoje kalendarze zewnętrzne"),
        ("de", "Ihre externen Kalender"),
        ("uk", "Ваші зовнішні календарі"),
    ],
)
def test_the_section_speaks_the_agents_language(signed_in, agent_anna, language, heading):
    agent_anna.agent.language = language
    agent_anna.agent.save(update_fields=["language"])
    signed_in.cookies["django_language"] = language
    assert heading in signed_in.get("/profile/").content.decode()
