"""Steps for the appointment tests: a customer books through the public API, the worker
sends what is due, the emails at the SMTP sink are read back with their ICS."""

from __future__ import annotations

from icalendar import Calendar
from scheduling_helpers import api

from support import worker_runs


def booked(start, *, email="dmytro@mail.example", language="en", time_zone="America/New_York"):
    """A booking made by the public API; returns (appointment id, manage token)."""
    response = api(
        None,
        "post",
        "/api/v1/bookings",
        {
            "booking_type": "interview",
            "start": start,
            "name": "Dmytro Bondar",
            "email": email,
            "language": language,
            "time_zone": time_zone,
        },
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    return answer["id"], answer["manage_url"].rstrip("/").rsplit("/", 1)[1]


def emails_sent(smtp_sink, count):
    """The first `count` emails at the sink, once the worker has sent them."""
    worker_runs()
    found = smtp_sink.wait_for(count)
    assert len(found) == count, [m["Subject"] for m in found]
    return found


def invitation(email):
    """(the text/calendar alternative's method parameter, the parsed invite.ics, the
    plain text body)."""
    calendar_parts = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
    inline = [p for p in calendar_parts if p.get_filename() is None]
    attached = [p for p in calendar_parts if p.get_filename() == "invite.ics"]
    assert len(inline) == 1 and len(attached) == 1, [p.get_filename() for p in calendar_parts]
    method = inline[0].get_param("method")
    assert attached[0].get_param("method") == method
    parsed = Calendar.from_ical(attached[0].get_payload(decode=True))
    assert Calendar.from_ical(inline[0].get_payload(decode=True)).to_ical() == parsed.to_ical()
    body = email.get_body(preferencelist=("plain",)).get_content()
    return method, parsed, body


def vevent(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def offered_times(page):
    """The start times the manage page offers to move to (its radio buttons' values)."""
    import re

    return re.findall(r'name="start" value="([^"]+)"', page.content.decode())
