"""Promises tracked as due items.

Kept: the event handlers below (wired in klient.promises.handlers) keep a conversation's
offered and open promises when the agent or the team does something for the customer
after them: a reply (message.outbound_queued), a call (call.logged), a booking
(scheduling.appointment_booked), a resolution (status.changed to solved). The reply that
holds a promise offers it (the API does it at once too; both are idempotent).

Broken: an open promise is durable work due at its due time (klient.core.work). The sweep
`break_due_promises` (core.wiring.SWEEPS) claims the due rows under a lease and, for each
still open, in one transaction: marks it broken, appends promise.broken, notifies its
agent and the team lead, and escalates like an SLA breach: the conversation's priority
goes one step up (klient.conversations.actions.update_conversation)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klient.conversations.actions import update_conversation
from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Conversation, Message
from klient.core import work
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify
from klient.phone.events import Kind as PhoneKind
from klient.scheduling.events import Kind as SchedulingKind

from . import events, texts
from .actions import keep_by_activity, offer_from_message
from .models import Promise

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
PRIORITY_LADDER = ["low", "normal", "high", "urgent"]
KEEPING_KINDS = {
    ConversationKind.MESSAGE_OUTBOUND_QUEUED.value,
    PhoneKind.CALL_LOGGED.value,
    SchedulingKind.APPOINTMENT_BOOKED.value,
    ConversationKind.STATUS_CHANGED.value,
}

# An open promise as durable work: its due_at is a fact (the promised time), never moved
# by a retry; a failed attempt waits out its backoff under the lease.
PROMISE_WORK = work.WorkKind(
    Promise,
    policy=work.RetryPolicy(
        first_retry=timedelta(seconds=30), longest=timedelta(minutes=10), max_attempts=8
    ),
    ready=Promise.State.OPEN,
    due_field="due_at",
    error_field="last_error",
    order_by=("due_at", "pk"),
    reschedules=False,
)


def on_activity(event_ids: list[int]) -> None:
    """Wired on the keeping kinds: offer the promises a reply holds, keep the older ones."""
    for event in Event.objects.filter(pk__in=event_ids, conversation__isnull=False).order_by(
        "at", "id"
    ):
        if event.kind not in KEEPING_KINDS:
            continue
        message_id = None
        if event.kind == ConversationKind.MESSAGE_OUTBOUND_QUEUED:
            message_id = event.data.get("message")
            if event.data.get("automatic"):
                continue  # an automatic message keeps nobody's promise
        elif (
            event.kind == ConversationKind.STATUS_CHANGED
            and event.data.get("to") != Conversation.Status.SOLVED
        ):
            continue
        assert event.conversation_id is not None
        # A reply that solves as it promises ("I'll call you tomorrow", sent as solved)
        # keeps none of its own promises: its status.changed names it as `reply`.
        own = message_id if message_id is not None else event.data.get("reply")
        keep_by_activity(event.conversation_id, at=event.at, by=event.kind, excluding_message=own)
        if message_id is not None:
            message = Message.objects.select_related("conversation__customer").filter(pk=message_id)
            for found in message:
                offer_from_message(found)


def break_due_promises(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: break the open promises whose due time has passed."""
    now = now or timezone.now()

    def handle(held: work.Claim, ids: list[int]) -> None:
        work.each_row(held, ids, lambda pk: _break(held, pk, now), what="promise", now=now)

    return work.drain_due(PROMISE_WORK, handle, now=now, batch=BATCH_SIZE, limit=limit)


def _break(held: work.Claim, pk: int, now: datetime) -> None:
    with transaction.atomic():
        # Only the promise's row is locked (PostgreSQL refuses to lock the nullable side
        # of the joins to its agent and the team lead).
        promise = (
            Promise.objects.select_for_update(of=("self",))
            .select_related("conversation__team__lead", "agent")
            .get(pk=pk)
        )
        if promise.state != Promise.State.OPEN or promise.due_at > now:
            work.complete(held, pk)
            return
        work.complete(held, pk, state=Promise.State.BROKEN, changed_at=now)
        promise.state = Promise.State.BROKEN
        publish_on_commit(events.broken(promise))
        conversation = promise.conversation
        notify(
            _recipients(promise),
            kind=texts.BROKEN,
            params={"ref": conversation.reference, "quote": promise.quote[:200]},
            conversation=conversation,
            url=reverse("workspace:conversation", args=[conversation.reference]),
        )
        _escalate(conversation)


def _recipients(promise: Promise) -> list[User]:
    """The agent who promised and the team lead (the team's members without a lead)."""
    team = promise.conversation.team
    people = [promise.agent, team.lead if team else None]
    found = [u for u in people if u is not None and u.is_active]
    if team is not None and team.lead is None:
        found += list(team.members.filter(is_active=True).order_by("pk"))
    return found


def _escalate(conversation: Conversation) -> None:
    """Like the SLA's raise_priority step: one step up the ladder, never past urgent."""
    current = conversation.priority
    if current not in PRIORITY_LADDER or current == PRIORITY_LADDER[-1]:
        return
    higher = PRIORITY_LADDER[PRIORITY_LADDER.index(current) + 1]
    update_conversation(conversation, actor=None, priority=higher)
