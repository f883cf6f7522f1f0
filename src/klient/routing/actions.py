"""The only writers of routing: give a conversation to the agent decide() picks, queue it
when nobody can take it, drain the queue, and cover an away owner's conversations.

Other domains call route(conversation, why=...) to have work assigned (callbacks, calls);
it returns the chosen agent, or None when the work waits in the queue."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klient.conversations import actions as conversation_actions
from klient.conversations.models import Conversation
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify
from klient.people.models import Absence

from . import decide, events, snapshot, texts
from .models import Coverage, Offer, QueuedConversation, RoundRobinCursor

logger = logging.getLogger(__name__)

ROUTABLE = (Conversation.Status.NEW, Conversation.Status.OPEN, Conversation.Status.PENDING)


def route(
    conversation: Conversation,
    *,
    why: str,
    channel: str | None = None,
    now: datetime | None = None,
    passed_over: Iterable[int] = (),
    owner: int | None = None,
) -> Any | None:
    """Give the conversation to whoever decide() picks now, and say why (an event and a
    notification worded for the agent); queue it when nobody can take it. `why` is what
    asked (a new conversation, a new message, a callback); `channel` the kind of work when
    it is not the conversation's own (a callback on an email conversation); `passed_over`
    the agents real-time work was offered to who did not take it up; `owner` whose work
    it is when not the customer's personal owner (an away assignee's conversation goes to
    their substitute).

    Real-time work comes with an Offer: not taken up within KLIENT_ROUTING_ACCEPT_SECONDS,
    it goes to the next agent (klient.routing.offers)."""
    now = now or timezone.now()
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("customer__organisation")
            .get(pk=conversation.pk)
        )
        if conversation.status not in ROUTABLE or conversation.merged_into_id is not None:
            return None
        desk = snapshot.take(now, exclude_load_of=conversation.pk)
        work = snapshot.work_of(
            conversation, channel=channel, passed_over=frozenset(passed_over), owner=owner
        )
        decision = decide.decide(work, desk, snapshot.rules())
        agent = _apply(conversation, decision, why=why, now=now)
        if agent is not None and work.channel in decide.REAL_TIME:
            Offer.objects.create(
                conversation=conversation,
                agent=agent,
                channel=work.channel,
                offered_at=now,
                passed_over=sorted(work.passed_over),
                next_attempt_at=now + timedelta(seconds=settings.KLIENT_ROUTING_ACCEPT_SECONDS),
            )
        return agent


def _apply(
    conversation: Conversation, decision: decide.Decision, *, why: str, now: datetime
) -> Any:
    if decision.agent is None:
        _, created = QueuedConversation.objects.get_or_create(
            conversation=conversation, defaults={"queued_at": now, "reason": why[:40]}
        )
        if created:
            publish_on_commit(events.queued(conversation, decision, why=why))
        return None
    QueuedConversation.objects.filter(conversation=conversation).delete()
    agent = get_user_model().objects.get(pk=decision.agent)
    if decision.pool.startswith("rule:") or decision.pool.startswith("team:"):
        RoundRobinCursor.objects.update_or_create(
            pool=decision.pool, defaults={"agent_id": agent.pk}
        )
    if conversation.assignee_id != agent.pk:
        conversation_actions.update_conversation(conversation, actor=None, assignee=agent)
    publish_on_commit(events.assigned(conversation, decision, why=why))
    if decision.covering is not None:
        _cover(conversation, owner_id=decision.covering, substitute=agent, now=now)
    notify(
        [agent],
        kind=texts.ASSIGNED,
        params={"ref": conversation.reference, "reason": decision.reason},
        conversation=conversation,
        url=reverse("workspace:conversation", args=[conversation.reference]),
        email=False,
    )
    return agent


def _cover(conversation: Conversation, *, owner_id: int, substitute: Any, now: datetime) -> None:
    """The conversation is the substitute's for the owner's absence: a Coverage row due
    at its end (klient.routing.coverage hands it back), and the customer told who covers,
    once per conversation."""
    absence = (
        Absence.objects.filter(agent_id=owner_id, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at")
        .first()
    )
    if absence is None:
        return
    coverage = Coverage.objects.filter(
        conversation=conversation, state=Coverage.State.PENDING
    ).first()
    if coverage is None:
        coverage = Coverage.objects.create(
            conversation=conversation,
            owner_id=owner_id,
            substitute=substitute,
            absence=absence,
            started_at=now,
            next_attempt_at=absence.ends_at,
        )
    elif coverage.substitute_id != substitute.pk:
        coverage.substitute = substitute
        coverage.save(update_fields=["substitute"])
    if not Coverage.objects.filter(conversation=conversation, told_at__isnull=False).exists():
        _tell_customer(conversation, coverage, absence, substitute, now=now)


def _tell_customer(
    conversation: Conversation,
    coverage: Coverage,
    absence: Absence,
    substitute: Any,
    *,
    now: datetime,
) -> None:
    customer = conversation.customer
    owner = absence.agent
    body = texts.cover_notice(
        owner=owner.get_full_name() or owner.username,
        substitute=substitute.get_full_name() or substitute.username,
        until=absence.ends_at,
        language=(customer.language or conversation.language or "en")[:2],
        time_zone=customer.time_zone or getattr(getattr(owner, "agent", None), "time_zone", ""),
    )
    message = conversation_actions.tell_customer(conversation, body=body)
    coverage.told_at = now
    coverage.save(update_fields=["told_at"])
    events.customer_told(coverage, message)


def drain_queue(*, limit: int = 200, now: datetime | None = None) -> int:
    """Route what waits, most urgent then oldest first. Returns how many got an agent.
    Called when an agent comes online, and swept."""
    now = now or timezone.now()
    waiting = list(
        QueuedConversation.objects.select_related("conversation")
        .order_by("conversation__priority_rank", "queued_at", "id")
        .values_list("conversation_id", flat=True)[:limit]
    )
    assigned = 0
    for conversation_id in waiting:
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            continue
        if conversation.status not in ROUTABLE:
            QueuedConversation.objects.filter(conversation_id=conversation_id).delete()
            continue
        if route(conversation, why="queue", now=now) is not None:
            assigned += 1
    return assigned


def sweep_queue(now: datetime | None = None) -> int:
    """For core.wiring.SWEEPS: agents come into their hours without telling anyone."""
    if not QueuedConversation.objects.exists():
        return 0
    return drain_queue(now=now)
