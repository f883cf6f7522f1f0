"""What a customer is told about their callback, in their language, with times in their
time zone (an email, or the message on the conversation's own channel)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _language(customer_language: str, conversation_language: str) -> str:
    offered = {code for code, _name in settings.LANGUAGES}
    for code in (customer_language, conversation_language):
        if code and code[:2] in offered:
            return code[:2]
    return settings.LANGUAGE_CODE[:2]


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def attempt_notice(
    *,
    outcome: str,
    phone: str,
    next_attempt: datetime | None,
    language: str,
    conversation_language: str = "",
    time_zone: str = "",
) -> str:
    """After a missed attempt: when the next one will be, or, after the last (or a wrong
    number), what the customer can do."""
    with translation.override(_language(language, conversation_language)):
        if outcome == "wrong_number":
            return _(
                "We tried to call you at %(phone)s, but it seems not to be your number. "
                "Reply to this message with the right number, or ask for a new callback."
            ) % {"phone": phone}
        if next_attempt is None:
            return _(
                "We tried to call you at %(phone)s but could not reach you, and we will not "
                "try again. Reply to this message, or ask for a callback at a time that "
                "suits you."
            ) % {"phone": phone}
        local = timezone.localtime(next_attempt, _zone(time_zone))
        when = date_format(local, "DATETIME_FORMAT")
        return _(
            "We tried to call you at %(phone)s but could not reach you. We will try again "
            "on %(when)s (%(zone)s)."
        ) % {"phone": phone, "when": when, "zone": local.tzname()}
