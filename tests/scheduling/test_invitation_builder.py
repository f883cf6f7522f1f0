"""The one ICS builder, property-tested: whatever the times, zone and change, the ICS
parses back with its UID and SEQUENCE, times in UTC, and CANCEL only with CANCELLED."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from klient.scheduling.invitations import Invitation, build_ics

ZONES = ["Europe/Kyiv", "Asia/Kathmandu", "Australia/Lord_Howe", "America/New_York", "UTC"]


@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(5, 720),
    zone=st.sampled_from(ZONES),
    sequence=st.integers(0, 200),
    cancelled=st.booleans(),
    name=st.text(min_size=0, max_size=40),
)
def test_what_is_built_parses_back_the_same(start, minutes, zone, sequence, cancelled, name):
    local = start.astimezone(ZoneInfo(zone))
    invitation = Invitation(
        uid="appointment-B-1234ABCD@klient.example",
        sequence=sequence,
        start=local,
        end=local + timedelta(minutes=minutes),
        summary="Interview",
        description=f"At {local:%H:%M} ({zone})",
        location="https://meet.example/olha",
        organizer_email="support@shop.example",
        organizer_name="Olha Koval",
        attendee_email="dmytro@mail.example",
        attendee_name=name,
        stamp=datetime(2026, 12, 7, tzinfo=UTC),
        cancelled=cancelled,
    )
    calendar = Calendar.from_ical(build_ics(invitation))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == ("CANCEL" if cancelled else "REQUEST")
    assert str(event["STATUS"]) == ("CANCELLED" if cancelled else "CONFIRMED")
    assert str(event["UID"]) == invitation.uid and int(event["SEQUENCE"]) == sequence
    assert event["DTSTART"].dt == start.replace(microsecond=0)
    assert event["DTSTART"].to_ical().endswith(b"Z") and event["DTEND"].to_ical().endswith(b"Z")
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=minutes)
    assert zone in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:support@shop.example"
    assert str(event["ATTENDEE"]) == "mailto:dmytro@mail.example"
    # The customer's name, without what an ICS parameter cannot carry.
    kept = "".join(c for c in name if unicodedata.category(c) != "Cc" and c not in '"\\')
    printable = " ".join(kept.split())
    assert event["ATTENDEE"].params.get("CN", "") == printable
