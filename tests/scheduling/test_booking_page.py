"""Story 1: Dmytro books his interview with Olha on the public page, in his own time zone,
without an account; a time taken meanwhile shows him the next free ones; the page reads in
the visitor's language."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import Client
from scheduling_helpers import next_monday

from klient.scheduling.models import Appointment

PAGE = "/book/interview/"


def offered(html: str) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', html)


def test_he_books_a_time_in_his_zone_and_lands_on_his_manage_link(interview):
    visitor = Client()
    monday = next_monday(2)

    page = visitor.get(PAGE, {"tz": "America/New_York", "from": monday.isoformat()})

    assert page.status_code == 200
    html = page.content.decode()
    times = offered(html)
    assert times, "a week of free times"
    first = datetime.fromisoformat(times[0])
    assert first.astimezone(ZoneInfo("America/New_York")).utcoffset() == first.utcoffset()
    booked = visitor.post(
        PAGE,
        {
            "tz": "America/New_York",
            "from": monday.isoformat(),
            "start": times[0],
            "name": "Dmytro Bondar",
            "email": "dmytro@mail.example",
            "phone": "+380501234567",
        },
    )

    assert booked.status_code == 302
    assert re.fullmatch(r"/b/[A-Za-z0-9_-]{40,}/\?done=booked", booked["Location"])
    appointment = Appointment.objects.get()
    assert appointment.start == first
    assert appointment.time_zone == "America/New_York"
    assert appointment.customer.name == "Dmytro Bondar"
    manage = visitor.get(booked["Location"])
    assert "Your appointment is booked" in manage.content.decode()


def test_a_time_taken_meanwhile_shows_the_next_free_ones(interview):
    monday = next_monday(2)
    times = offered(
        Client().get(PAGE, {"tz": "Europe/Kyiv", "from": monday.isoformat()}).content.decode()
    )
    form = {"tz": "Europe/Kyiv", "from": monday.isoformat(), "start": times[0], "name": "Ola"}
    assert Client().post(PAGE, {**form, "email": "ola@mail.example"}).status_code == 302

    late = Client().post(PAGE, {**form, "name": "Petro", "email": "petro@mail.example"})

    assert late.status_code == 409
    html = late.content.decode()
    assert "This time was just taken" in html
    assert times[0] not in offered(html) and offered(html)
    assert Appointment.objects.count() == 1


def test_a_missing_name_is_refused_kindly_and_nothing_is_booked(interview):
    monday = next_monday(2)
    times = offered(Client().get(PAGE, {"tz": "UTC", "from": monday.isoformat()}).content.decode())

    refused = Client().post(
        PAGE, {"tz": "UTC", "start": times[0], "name": "", "email": "x@y.example"}
    )

    assert refused.status_code == 422
    assert not Appointment.objects.exists()


def test_the_page_reads_in_the_visitors_language_and_an_unknown_one_is_a_kind_404(interview):
    polish = Client().get(PAGE, {"tz": "Europe/Warsaw"}, headers={"accept-language": "pl"})
    unknown = Client().get("/book/no-such-thing/")

    assert '<html lang="pl"' in polish.content.decode()
    assert "Zarezerwuj ten termin" in polish.content.decode()
    assert unknown.status_code == 404
    assert "This booking page does not exist" in unknown.content.decode()


def test_without_a_zone_the_browser_sets_it_and_without_script_utc_is_used(interview):
    html = Client().get(PAGE).content.decode()

    assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in html
    assert 'value="UTC"' in html
