"""Helpers for the reminder, lost-connection and missed-meeting tests: an appointment
booked through the real booking path, and an SMS webhook receiver on loopback."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from scheduling_helpers import next_monday, slots

# The webhooks tests' loopback receiver, verified with the standardwebhooks package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "webhooks"))
from receiver import Receiver, start_receiver, verify

__all__ = ["Receiver", "book_as_customer", "start_receiver", "verify"]

SMS_SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # 24 bytes of test key, base64


def book_as_customer(
    booking_type,
    *,
    email="dmytro@mail.example",
    phone="",
    language="",
    weeks=2,
    name="Dmytro Bondar",
):
    """A booking through scheduling.booking.book (as POST /api/v1/bookings does): the
    first free slot on a Monday `weeks` ahead. Returns (appointment, manage token)."""
    from django.db import transaction

    from klient.scheduling import booking

    monday = next_monday(weeks)
    start = datetime.fromisoformat(slots(booking_type.slug, monday)[0][0])
    with transaction.atomic():
        made = booking.book(
            booking_type,
            start=start,
            name=name,
            email=email,
            time_zone="America/New_York",
            phone=phone,
            language=language,
        )
    return made.appointment, made.manage_token


def minutes_before(appointment, minutes: int, *, plus_seconds: int = 1) -> datetime:
    return appointment.start - timedelta(minutes=minutes) + timedelta(seconds=plus_seconds)


def without_invitations(sink) -> list:
    """What the sink received besides the appointment emails carrying an ICS invitation
    (booked, moved, cancelled: tests/scheduling/test_invitations.py reads those)."""
    return [
        m
        for m in sink.parsed()
        if not any(p.get_content_type() == "text/calendar" for p in m.walk())
    ]
