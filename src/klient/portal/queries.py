"""Reads for the portal: a customer's conversations and the answer time we promise."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import formats, timezone, translation

from klient.conversations.models import Conversation
from klient.sla.models import ConversationSla

from .access import conversations_of
from .texts import text

OPEN_STATUSES = ("new", "open", "on_hold")


def customer_conversations(customer: object) -> QuerySet[Conversation]:
    return conversations_of(customer).order_by("-updated_at", "-id")  # type: ignore[arg-type]


def answer_due(conversations: list[Conversation]) -> dict[int, datetime]:
    """When each conversation whose customer waits for us is due an answer (by its SLA
    clock), keyed by conversation id; one query for the whole list."""
    waiting = [c.pk for c in conversations if c.waiting_since and c.status in OPEN_STATUSES]
    if not waiting:
        return {}
    due: dict[int, datetime] = {}
    for sla in ConversationSla.objects.filter(conversation_id__in=waiting, stopped=False):
        when = sla.next_reply_due or sla.first_reply_due or sla.due_at
        if when is not None:
            due[sla.conversation_id] = when
    return due


def answer_by_text(when: datetime, *, language: str, time_zone: str = "") -> str:
    """ "We will answer by Tuesday 14:00" in the customer's language and time zone."""
    try:
        zone = ZoneInfo(time_zone) if time_zone else timezone.get_current_timezone()
    except (KeyError, ValueError):
        zone = timezone.get_current_timezone()
    local = timezone.localtime(when, zone)
    with translation.override(language):
        shown = formats.date_format(local, "DATETIME_FORMAT")
    return text("answer_by", language, when=f"{shown} ({local.tzname()})")
