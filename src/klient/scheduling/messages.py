"""What scheduling writes to customers after booking: reminders, "lost connection" and
"we missed each other", by email and SMS, in the customer's language.

Every text confirms; none doubts. A reminder never asks whether the customer will come
(tests/scheduling/test_reminder_wording.py checks the five languages for such phrasings):
it says when and where, and offers to move the time for anyone whose day changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from klient.core.sealing import UnsealError, unseal
from klient.people.languages import supported_language

from . import queries
from .models import Appointment, AppointmentContact, BookingType


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    sms: str


def contact_of(appointment: Appointment) -> AppointmentContact:
    found = AppointmentContact.objects.filter(appointment=appointment).first()
    return found or AppointmentContact(appointment=appointment)


def language_of(appointment: Appointment) -> str:
    """The language the customer booked in, else their own, else the conversation's."""
    customer = appointment.customer
    conversation = appointment.conversation
    for code in (
        contact_of(appointment).language,
        customer.language if customer else "",
        conversation.language if conversation else "",
    ):
        if found := supported_language(code or ""):
            return found
    return settings.LANGUAGE_CODE


def manage_url(appointment: Appointment, page: str = "") -> str:
    """The manage link (`/b/<token>/`, optionally a page under it); "" if it is not known."""
    sealed = contact_of(appointment).manage_token_sealed
    if not sealed:
        return ""
    try:
        token = unseal(sealed)
    except UnsealError:
        return ""
    return f"{settings.KLIENT_BASE_URL.rstrip('/')}/b/{token}/{page}"


def when_at(moment: datetime, zone_name: str) -> str:
    """A time in the customer's zone, the zone named: "2027-03-29 11:45 (Asia/Kathmandu)"."""
    name = zone_name or "UTC"
    zone = queries.zone_named(name) or queries.zone_named("UTC")
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({name})"


def when(appointment: Appointment) -> str:
    return when_at(appointment.start, appointment.time_zone)


def where(booking_type: BookingType) -> str:
    if booking_type.kind == BookingType.Kind.VIDEO:
        return _("Video link: %(location)s") % {"location": booking_type.location}
    if booking_type.kind == BookingType.Kind.IN_PERSON:
        return _("Address: %(location)s") % {"location": booking_type.location}
    if booking_type.location:
        return _("Phone: %(location)s") % {"location": booking_type.location}
    return _("We will call you.")


def _params(appointment: Appointment) -> dict[str, Any]:
    return {
        "name": appointment.booking_type.name,
        "when": when(appointment),
        "where": where(appointment.booking_type),
        "agent": appointment.agent.get_full_name() or appointment.agent.get_username(),
        "manage": manage_url(appointment),
        "cannot": manage_url(appointment, "#cancel"),
        "lost": manage_url(appointment, "lost-connection"),
        "reference": appointment.reference or "",
    }


def reminder(appointment: Appointment) -> Text:
    with translation.override(language_of(appointment)):
        p = _params(appointment)
        subject = _("Your appointment: %(name)s, %(when)s") % p
        body = (
            _(
                "Hello,\n\nthis is a reminder of your appointment “%(name)s” with %(agent)s on "
                "%(when)s.\n%(where)s\n\nWe look forward to speaking with you.\n\n"
                "Reschedule: %(manage)s\nI can't make it: %(cannot)s\n"
                "Lost power or connection during the meeting? Tap: %(lost)s\n\n%(reference)s"
            )
            % p
        )
        sms = (
            _(
                "Reminder: %(name)s with %(agent)s, %(when)s. %(where)s Reschedule or "
                "I can't make it: %(manage)s"
            )
            % p
        )
    return Text(subject, body, sms)


def lost_connection_to_customer(appointment: Appointment) -> Text:
    """The agent lost power or connection: what their customer is told."""
    with translation.override(language_of(appointment)):
        p = _params(appointment)
        phone = appointment.booking_type.location
        if appointment.booking_type.kind == BookingType.Kind.PHONE and phone:
            p["continue"] = _("You can continue by phone: %(phone)s") % {"phone": phone}
        else:
            p["continue"] = ""
        subject = _("%(agent)s lost connection and is trying to come back") % p
        body = (
            _(
                "Hello,\n\n%(agent)s lost power or connection during your appointment “%(name)s” "
                "(%(when)s) and is trying to come back. Please stay where you are for a few "
                "minutes.\n%(continue)s\n\nIf it is better for you, pick a new time from the "
                "next free slots: %(manage)s\n\n%(reference)s"
            )
            % p
        )
        sms = (
            _(
                "%(agent)s lost power or connection and is trying to come back. %(continue)s "
                "New time: %(manage)s"
            )
            % p
        )
    return Text(subject, body, sms)


def missed(appointment: Appointment, *, party: str, slots: list[str]) -> Text:
    """We missed each other: new times offered kindly, a reason asked for, never blame."""
    with translation.override(language_of(appointment)):
        p = _params(appointment)
        p["slots"] = "\n".join(f"  {slot}" for slot in slots) or "  -"
        p["reason"] = manage_url(appointment, "missed")
        if party == "agent":
            intro = (
                _(
                    "We are sorry: our appointment “%(name)s” on %(when)s did not take place on "
                    "our side."
                )
                % p
            )
        else:
            intro = (
                _(
                    "Our appointment “%(name)s” on %(when)s did not take place. Things happen, and "
                    "we are glad to find another time."
                )
                % p
            )
        p["intro"] = intro
        subject = _("A new time for “%(name)s”") % p
        body = (
            _(
                "Hello,\n\n%(intro)s\n\nThe next free times:\n%(slots)s\n\n"
                "Pick one here: %(manage)s\n\nIf you like, tell us what happened (a power cut, "
                "illness, anything): %(reason)s\n\n%(reference)s"
            )
            % p
        )
        sms = _("%(intro)s New time: %(manage)s") % p
    return Text(subject, body, sms)
