"""What routing tells agents (the reason a conversation came to them, the hand-back
summary) and customers (who covers for their away advisor, until when), each in the
reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from klient.conversations.models import Conversation

from . import decide
from .hand_back import word_extras

# Notification kinds.
ASSIGNED = "routing.assigned_to_you"
HAND_BACK = "routing.hand_back_summary"

REASONS = {
    decide.OWNER: gettext_lazy("you are the customer's personal owner"),
    decide.OWNER_AWAY_SUBSTITUTE: gettext_lazy("owner away, you are the substitute"),
    decide.OWNER_AWAY_SUBSTITUTE_TEAM: gettext_lazy("owner away, their substitute is your team"),
    decide.OWNER_AWAY_NO_SUBSTITUTE: gettext_lazy("owner away without a substitute"),
    decide.OWNER_AWAY_LOOP: gettext_lazy("owner away, their substitutes cover for each other"),
    decide.OWNER_UNAVAILABLE: gettext_lazy("the owner cannot take it now"),
    decide.RULE: gettext_lazy("a routing rule picked you"),
    decide.TEAM: gettext_lazy("you had the most room in the team"),
    decide.NOBODY: gettext_lazy("nobody can take it now; it waits"),
}


def reason(code: str) -> str:
    return str(REASONS.get(code, code))


def assigned(params: Mapping[str, Any]) -> str:
    return _("Assigned to you: %(ref)s (%(reason)s).") % {
        "ref": params["ref"],
        "reason": reason(params["reason"]),
    }


def hand_back(params: Mapping[str, Any]) -> str:
    items = [{**i, "status": _status(i["status"])} for i in params.get("conversations", [])]
    lines: list[str] = []
    for item in items:
        line = (
            _("%(ref)s: %(status)s, handled by %(who)s")
            if item.get("who")
            else _("%(ref)s: %(status)s")
        )
        lines.append(line % item)
        lines.extend(word_extras(item))
    head = ngettext(
        "Welcome back. While you were away %(count)d conversation of your customers was touched:",
        "Welcome back. While you were away %(count)d conversations of your customers were touched:",
        len(items),
    ) % {"count": len(items)}
    return "\n".join([head, *lines])


def _status(code: str) -> str:
    try:
        return str(Conversation.Status(code).label)
    except ValueError:
        return code


TEXTS = {ASSIGNED: assigned, HAND_BACK: hand_back}

# The date as a customer reads it: "Monday 12 March" in their language's word order.
DATE_FORMATS = {
    "en": "l j F",
    "fr": "l j F",
    "de": "l, j. F",
    "pl": "j E (l)",
    "uk": "j E (l)",
}
LOWER_CASE_DAYS = frozenset({"fr", "pl", "uk"})  # a day's name inside a sentence
CUSTOMER_LANGUAGES = tuple(DATE_FORMATS)


def cover_notice(
    *, owner: str, substitute: str, until: datetime, language: str, time_zone: str
) -> str:
    """ "Anna Kowalska is away until Monday 12 March, 09:00. Piotr Nowak is looking after
    your request meanwhile." in the customer's language and time zone. Never the reason."""
    language = language if language in DATE_FORMATS else "en"
    try:
        zone = ZoneInfo(time_zone) if time_zone else ZoneInfo("UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = until.astimezone(zone)
    with translation.override(language):
        day = dateformat.format(local, DATE_FORMATS[language])
        day = day.lower() if language in LOWER_CASE_DAYS else day
        return _(
            "%(owner)s is away until %(day)s, %(time)s. %(substitute)s is looking after your "
            "request meanwhile."
        ) % {"owner": owner, "day": day, "time": local.strftime("%H:%M"), "substitute": substitute}
