"""The one ICS builder for every invitation path (booking, reschedule, cancellation).

Pure: it takes what the invitation says, not model rows. One UID for the appointment's
whole life and SEQUENCE raised on every change let calendar programs update (or remove)
the event they already have instead of adding a second one; a cancellation is
`METHOD:CANCEL` with `STATUS:CANCELLED`, never a REQUEST (which would keep the event)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PRODID = "-//Klient//Appointments//EN"


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    start: datetime  # aware
    end: datetime
    summary: str
    description: str  # names the customer's zone: the times themselves are in UTC
    location: str
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    stamp: datetime
    cancelled: bool = False

    @property
    def method(self) -> str:
        return CANCEL if self.cancelled else REQUEST


def _clean(text: str, *, lines: bool = False) -> str:
    """Without control characters, which an ICS cannot carry (a customer's name is theirs
    to type); newlines kept only where the text may have lines."""
    kept = (c for c in text if (c == "\n" and lines) or unicodedata.category(c) != "Cc")
    return "".join(kept).strip()


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    # A parameter value cannot escape a quote or a backslash (RFC 5545 3.2): they go.
    if name := " ".join(_clean(name).replace('"', "").replace("\\", "").split()):
        address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def build_ics(invitation: Invitation) -> bytes:
    """The VCALENDAR with one VEVENT, times in UTC (DTSTART/DTEND ending in Z)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", invitation.method)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp.astimezone(UTC))
    event.add("dtstart", invitation.start.astimezone(UTC))
    event.add("dtend", invitation.end.astimezone(UTC))
    event.add("summary", _clean(invitation.summary))
    event.add("description", _clean(invitation.description, lines=True))
    if location := _clean(invitation.location):
        event.add("location", location)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    event.add("organizer", _address(invitation.organizer_email, invitation.organizer_name))
    event.add(
        "attendee",
        _address(
            invitation.attendee_email,
            invitation.attendee_name,
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            rsvp="FALSE",
        ),
    )
    calendar.add_component(event)
    return calendar.to_ical()
