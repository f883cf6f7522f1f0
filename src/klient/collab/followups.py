"""Follow-ups that reopen themselves: "solve and check back in N days".

A FollowUp row holds the due time (indexed, partial on state). The sweep claims due rows
through klient.core.work — on PostgreSQL with FOR UPDATE SKIP LOCKED, everywhere with a
conditional UPDATE that only one claimer wins; the lease is renewed while it works —
and, if the customer has not written since the solve and the conversation is still
solved, reopens it with an internal note and notifies the assignee.

Firing is one transaction — the note, the reopening, the row marked fired and the
notification — so a worker that dies mid-way leaves nothing behind: once its lease
expires the next sweep fires it, once.

A customer message or a status change away from solved cancels it (handle_events, wired
on `message.received` and `status.changed`); the sweep checks the same conditions again,
so a lost handler can never reopen a conversation by mistake."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from klient.conversations import actions as conversation_actions
from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Conversation, Message
from klient.core import work
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify

from . import events, texts
from .models import FollowUp

logger = logging.getLogger(__name__)

MAX_DAYS = 90
BATCH_SIZE = 200

ERRORS = (gettext_noop("Check back after 1 to 90 days."),)

# A follow-up as durable work: scheduled until due, firing under a lease. It has no
# attempts column and is never given up: a failed attempt waits RETRY_AFTER (the lease
# it keeps runs out then), as long as the old two-minute lease made it wait.
RETRY_AFTER = timedelta(minutes=2)
FOLLOW_UP_WORK = work.WorkKind(
    FollowUp,
    policy=work.RetryPolicy(
        first_retry=RETRY_AFTER, longest=RETRY_AFTER, max_attempts=2**31, jitter=0
    ),
    ready=FollowUp.State.SCHEDULED,
    held=FollowUp.State.FIRING,
    attempts_field=None,
    due_field="due_at",
    error_field=None,
    order_by=("due_at",),
    reschedules=False,  # due_at is the agent's "check back" moment: a retry never moves it
)


def _check_days(days: int) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError("Check back after 1 to 90 days.")
    return days


def solve_and_check_back(conversation: Conversation, *, actor: Any, days: int) -> FollowUp:
    """Solve the conversation and check back in `days` days: if the customer has not
    confirmed by then, it reopens by itself. Replaces a pending follow-up."""
    days = _check_days(days)
    now = timezone.now()
    with transaction.atomic():  # solved and scheduled together, or neither
        conversation = conversation_actions.update_conversation(
            conversation, actor=actor, status=Conversation.Status.SOLVED
        )
        for pending in FollowUp.objects.select_for_update().filter(
            conversation=conversation, state=FollowUp.State.SCHEDULED
        ):
            _cancel(pending, reason="replaced", actor=actor, now=now)
        follow_up = FollowUp.objects.create(
            conversation=conversation,
            created_by=actor,
            days=days,
            solved_at=now,
            due_at=now + timedelta(days=days),
            created_at=now,
        )
        publish_on_commit(events.follow_up_scheduled(follow_up, actor=actor))
    return follow_up


def cancel_follow_up(follow_up: FollowUp, *, actor: Any) -> bool:
    """An agent cancels a scheduled follow-up. False if it was no longer scheduled."""
    with transaction.atomic():
        row = (
            FollowUp.objects.select_for_update()
            .filter(pk=follow_up.pk, state=FollowUp.State.SCHEDULED)
            .first()
        )
        if row is None:
            return False
        _cancel(row, reason="cancelled by agent", actor=actor, now=timezone.now())
    return True


def _cancel(follow_up: FollowUp, *, reason: str, actor: Any = None, now: datetime) -> None:
    follow_up.state = FollowUp.State.CANCELLED
    follow_up.cancel_reason = reason
    follow_up.finished_at = now
    follow_up.lease_until = None
    follow_up.save(update_fields=["state", "cancel_reason", "finished_at", "lease_until"])
    events.follow_up_cancelled(follow_up, reason=reason, actor=actor)


# --- cancelled by what happens on the conversation -------------------------------------


def _cancels(event: Event) -> str:
    """Why this event cancels the conversation's earlier follow-ups ("" if it does not)."""
    if event.kind == ConversationKind.MESSAGE_RECEIVED:
        automatic = any(event.data.get(k) for k in ("auto_reply", "bounce", "bulk"))
        return "" if automatic else "customer wrote"
    if (
        event.kind == ConversationKind.STATUS_CHANGED
        and event.data.get("to") != Conversation.Status.SOLVED
    ):
        return "reopened" if event.data.get("to") != Conversation.Status.CLOSED else "closed"
    return ""


def handle_events(event_ids: list[int]) -> None:
    """Wired on message.received and status.changed: cancel the follow-ups scheduled
    before a customer message or a status change away from solved. Idempotent."""
    reasons: dict[int, list[tuple[datetime, str]]] = {}
    for event in Event.objects.filter(pk__in=event_ids, conversation__isnull=False).order_by(
        "at", "id"
    ):
        reason = _cancels(event)
        if reason and event.conversation_id is not None:
            reasons.setdefault(event.conversation_id, []).append((event.at, reason))
    if not reasons:
        return
    now = timezone.now()
    with transaction.atomic():
        pending = FollowUp.objects.select_for_update().filter(
            conversation_id__in=list(reasons), state=FollowUp.State.SCHEDULED
        )
        for follow_up in pending.select_related("conversation"):
            later = [
                r for at, r in reasons[follow_up.conversation_id] if at >= follow_up.created_at
            ]
            if later:
                # A customer's message also reopens: name the cause, not the consequence.
                reason = "customer wrote" if "customer wrote" in later else later[0]
                _cancel(follow_up, reason=reason, now=now)


# --- the sweep -------------------------------------------------------------------------


def _customer_wrote_since(conversation: Conversation, since: datetime) -> bool:
    return (
        Message.objects.filter(
            conversation=conversation,
            kind=Message.Kind.INBOUND,
            created_at__gt=since,
            is_auto_reply=False,
            is_bounce=False,
            is_bulk=False,
        )
        .exclude(sender=Message.Sender.SYSTEM)
        .exists()
    )


def note_params(follow_up: FollowUp) -> dict[str, int]:
    """The reopening note, as data: each agent reads it in their language (texts)."""
    return {"days": follow_up.days, "id": follow_up.pk}


def _take(now: datetime, size: int) -> work.Claim | None:
    """Take due rows (and rows whose worker died) under a lease."""
    return work.claim(
        FOLLOW_UP_WORK, limit=size, now=now, due_by=now, skip_locked=True, mark={"claimed_at": now}
    )


def _claim(now: datetime, size: int) -> list[int]:
    """Take due rows (and rows whose worker died) under a lease; returns their ids."""
    held = _take(now, size)
    return list(held.ids) if held is not None else []


def _fire(held: work.Claim, follow_up_id: int, now: datetime) -> str:
    """Reopen one claimed follow-up's conversation; returns "fired", "cancelled" or "busy"
    (the lease ran out and another worker took it over).

    One transaction, pinned before it opens (klient.core.work.Claim) so the row changes
    only while our lease holds: the note, the reopening, the row marked fired and the
    assignee's notification happen together or not at all. A worker that dies half-way
    leaves nothing behind, and the next one starts from scratch."""
    with held.pinned(), transaction.atomic():
        follow_up = FollowUp.objects.select_related("created_by").get(pk=follow_up_id)
        conversation = Conversation.objects.select_for_update().get(pk=follow_up.conversation_id)
        customer_wrote = _customer_wrote_since(conversation, follow_up.solved_at)
        if customer_wrote or conversation.status != Conversation.Status.SOLVED:
            reason = "customer wrote" if customer_wrote else "no longer solved"
            if not work.complete(
                held, follow_up.pk, FollowUp.State.CANCELLED, cancel_reason=reason, finished_at=now
            ):
                return "busy"
            follow_up.state, follow_up.cancel_reason = FollowUp.State.CANCELLED, reason
            follow_up.finished_at, follow_up.lease_until = now, None
            events.follow_up_cancelled(follow_up, reason=reason, actor=None)
            return "cancelled"
        if not work.complete(held, follow_up.pk, FollowUp.State.FIRED, finished_at=now):
            return "busy"
        follow_up.state, follow_up.finished_at, follow_up.lease_until = (
            FollowUp.State.FIRED,
            now,
            None,
        )
        with translation.override(settings.LANGUAGE_CODE):  # stored, and searched, in English
            body = texts.follow_up_note(note_params(follow_up))
        conversation_actions.add_note(
            conversation,
            actor=None,
            body=body,
            wording={"kind": texts.FOLLOW_UP_NOTE, "params": note_params(follow_up)},
        )
        conversation = conversation_actions.update_conversation(
            conversation, actor=None, status=Conversation.Status.OPEN
        )
        publish_on_commit(events.follow_up_fired(follow_up))
        recipients = [conversation.assignee] if conversation.assignee else []
        if not recipients and follow_up.created_by is not None:
            recipients = [follow_up.created_by]
        notify(
            recipients,
            kind=texts.FOLLOW_UP_REOPENED,
            params={"ref": conversation.reference, "days": follow_up.days},
            conversation=conversation,
            url=reverse("workspace:conversation", args=[conversation.reference]),
        )
    return "fired"


def sweep_due_follow_ups(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: reopen what is due. Returns how many rows were handled."""
    now = now or timezone.now()
    done = 0
    while done < limit and (held := _take(now, min(BATCH_SIZE, limit - done))):
        ids = list(held.ids)
        with work.holding(held):
            for follow_up_id in ids:
                try:
                    _fire(held, follow_up_id, now)
                except Exception as exc:
                    logger.exception("follow-up %s failed; retried later", follow_up_id)
                    work.fail(held, follow_up_id, 1, exc, permanent=False, now=now)
        done += len(ids)
    return done
