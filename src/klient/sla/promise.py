"""The honest promise: by when a customer who has just written will hear back from a person.

It is what the clock (klient.sla.clock) says at the moment the message arrived, computed
from the conversation's events there and then — never read from the stored ConversationSla,
which the SLA handler may not have brought up to date yet. So the promise is the due moment
of the open first-reply cycle (nobody has answered yet) or of the next-reply cycle the
message opened, under the policy and business calendar that apply. No policy, no such
target, a paused clock or a moment already past: no promise (None), never an invented one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from klient.conversations.models import Conversation
from klient.sla.actions import Batch

__all__ = ["ReplyPromise", "promised_reply", "zone_named"]


@dataclass(frozen=True, slots=True)
class ReplyPromise:
    due_at: datetime  # aware, UTC
    target: str  # "first_reply" or "next_reply"
    policy: str
    zone: ZoneInfo  # where to state it: the customer's zone, else the team's
    customer_zone: bool  # True when `zone` is the customer's own


def zone_named(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def promised_reply(conversation_id: int, *, now: datetime) -> ReplyPromise | None:
    """What to promise, at `now`, a customer whose message has just arrived (its events
    are stored; the clock starts the cycle at the message's arrival). Evaluated at `now`
    rather than at the arrival itself so that the reopening that comes with the message
    (a status change stored just after it) is seen. A fixed number of queries."""
    batch = Batch.load([conversation_id])
    subject = batch.subjects.get(conversation_id)
    if subject is None:
        return None
    policy, state = batch.state(conversation_id, now)
    if policy is None:
        return None
    target = "first_reply" if state.due("first_reply") is not None else "next_reply"
    due = state.due(target)
    if due is None or due <= now:
        return None
    customer_zone = zone_named(
        Conversation.objects.filter(pk=conversation_id)
        .values_list("customer__time_zone", flat=True)
        .first()
        or ""
    )
    if customer_zone is not None:
        return ReplyPromise(due, target, policy.name, customer_zone, customer_zone=True)
    calendar = batch.calendars.get(subject.team_id)
    team_zone = calendar.zone if calendar is not None else zone_named(settings.TIME_ZONE)
    return ReplyPromise(due, target, policy.name, team_zone or ZoneInfo("UTC"), False)
