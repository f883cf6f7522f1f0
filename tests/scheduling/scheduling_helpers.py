"""Helpers for the scheduling tests: the API as an agent and as the public, agents with
working hours, existing appointments."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from django.test import Client

WEEKDAYS_9_TO_5 = {str(day): [["09:00", "17:00"]] for day in range(5)}


def api(user, method, url, body=None):
    """An API call with the user's token (None: no token at all)."""
    headers = {} if user is None else {"HTTP_AUTHORIZATION": f"Bearer {user.api_token}"}
    call = getattr(Client(), method.lower())
    if body is None:
        return call(url, **headers)
    return call(url, data=json.dumps(body), content_type="application/json", **headers)


def make_agent(email, name, *, teams=(), time_zone="Europe/Kyiv", hours=None):
    from klient.calendars.actions import save_agent_hours
    from klient.people.actions import create_agent

    user, token = create_agent(email, name=name, teams=list(teams), password="pw-" + email)
    user.api_token = token
    save_agent_hours(user, actor=None, time_zone=time_zone, hours=hours or WEEKDAYS_9_TO_5)
    return user


def booking_type_body(agent, **fields):
    body = {
        "name": "Interview",
        "slug": "interview",
        "agent": agent.pk,
        "kind": "video",
        "location": "https://meet.example/olha",
        "duration_minutes": 60,
        "step_minutes": 30,
        "horizon_days": 1098,
    }
    body.update(fields)
    return body


def next_monday(weeks_ahead=1) -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def slots(slug, first, last=None, time_zone="Europe/Kyiv"):
    """The public slots, as (start, end) strings, asked without a token."""
    last = last or first
    response = api(
        None,
        "get",
        f"/api/v1/booking-types/{slug}/slots?from={first}&to={last}&time_zone={time_zone}",
    )
    assert response.status_code == 200, response.content
    return [(s["start"], s["end"]) for s in response.json()["slots"]]


def book(booking_type, agent, start, *, minutes=None, before=None, after=None):
    """An existing appointment, written as a fixture (a booking's own path is tested in
    test_booking.py)."""
    from klient.scheduling.models import Appointment

    minutes = minutes or booking_type.duration_minutes
    before = booking_type.buffer_before_minutes if before is None else before
    after = booking_type.buffer_after_minutes if after is None else after
    end = start + timedelta(minutes=minutes)
    return Appointment.objects.create(
        booking_type=booking_type,
        agent=agent,
        start=start,
        end=end,
        buffer_before_minutes=before,
        buffer_after_minutes=after,
        blocked_from=start - timedelta(minutes=before),
        blocked_until=end + timedelta(minutes=after),
    )
