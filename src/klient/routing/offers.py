"""Real-time work not taken up goes to the next agent: a chat, a call or a callback due now
that its agent has not answered within KLIENT_ROUTING_ACCEPT_SECONDS is routed again,
passing over them (and whoever it was offered to before).

Taken up means the agent wrote to the customer since it was offered, or the conversation
is no longer theirs (they or someone handed it on, or it was solved). Offers are durable
work due at their deadline (klient.core.work), swept by the worker."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from klient.conversations.models import Conversation, Message
from klient.core import work

from . import actions
from .models import Offer

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
OFFER_WORK = work.WorkKind(
    Offer,
    policy=work.RetryPolicy(
        first_retry=timedelta(seconds=30), longest=timedelta(minutes=10), max_attempts=2**31
    ),
    ready=Offer.State.PENDING,
    held=Offer.State.CHECKING,
    order_by=("next_attempt_at",),
    reschedules=False,
)


def taken_up(offer: Offer, conversation: Conversation) -> bool:
    if conversation.assignee_id != offer.agent_id or conversation.status not in actions.ROUTABLE:
        return True
    return Message.objects.filter(
        conversation=conversation,
        kind=Message.Kind.OUTBOUND,
        author_id=offer.agent_id,
        created_at__gt=offer.offered_at,
    ).exists()


def _check(held: work.Claim, offer_id: int, now: datetime) -> str:
    with held.pinned(), transaction.atomic():
        offer = Offer.objects.get(pk=offer_id)
        conversation = Conversation.objects.get(pk=offer.conversation_id)
        outcome = Offer.State.TAKEN if taken_up(offer, conversation) else Offer.State.PASSED
        if not work.complete(held, offer.pk, outcome, finished_at=now):
            return "busy"
        if outcome == Offer.State.PASSED:
            actions.route(
                conversation,
                why="not taken up",
                channel=offer.channel,
                now=now,
                passed_over=[*offer.passed_over, offer.agent_id],
            )
    return outcome


def sweep_unanswered_offers(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: pass on what was not taken up in time."""
    now = now or timezone.now()
    done = 0
    while done < limit and (
        held := work.claim(
            OFFER_WORK, limit=min(BATCH_SIZE, limit - done), now=now, due_by=now, skip_locked=True
        )
    ):
        with work.holding(held):
            for offer_id in list(held.ids):
                try:
                    _check(held, offer_id, now)
                except Exception as exc:  # one broken row must not hold back the others
                    logger.exception("offer %s could not be checked", offer_id)
                    work.fail(held, offer_id, 1, exc, permanent=False, now=now)
                done += 1
    return done
