"""The end of an absence: each conversation the substitute covered goes back to its owner
unless the substitute has answered the customer since it came to them (then it stays
theirs: the customer is talking to them now), and the owner gets a hand-back summary of
every conversation of their customers touched while they were away.

Coverage rows are durable work due at the absence's end (klient.core.work): the sweep
claims them under a lease, and each is finished in one transaction with its hand-back,
so a worker that dies half-way leaves it to the next sweep."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from klient.conversations import actions as conversation_actions
from klient.conversations.models import Conversation, Message
from klient.core import work
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify
from klient.people.models import Absence

from . import events, hand_back, texts
from .events import Kind
from .models import Coverage

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
COVERAGE_WORK = work.WorkKind(
    Coverage,
    policy=work.RetryPolicy(
        first_retry=timedelta(minutes=1), longest=timedelta(minutes=30), max_attempts=2**31
    ),
    ready=Coverage.State.PENDING,
    held=Coverage.State.ENDING,
    order_by=("next_attempt_at",),
    reschedules=False,  # due at the absence's end: a retry never moves it
)


def substitute_answered(coverage: Coverage) -> bool:
    """A reply by the substitute since the conversation came to them, or (through
    klient.routing.hand_back) a call with the customer they had."""
    if coverage.substitute_id is None:
        return False
    return Message.objects.filter(
        conversation_id=coverage.conversation_id,
        kind=Message.Kind.OUTBOUND,
        author_id=coverage.substitute_id,
        created_at__gt=coverage.started_at,
    ).exists() or hand_back.answered_elsewhere(
        coverage.conversation_id, coverage.substitute_id, coverage.started_at
    )


def _end(held: work.Claim, coverage_id: int, now: datetime) -> str:
    with held.pinned(), transaction.atomic():
        coverage = Coverage.objects.select_related("owner", "conversation").get(pk=coverage_id)
        conversation = Conversation.objects.select_for_update().get(pk=coverage.conversation_id)
        answered = coverage.substitute_id is not None and substitute_answered(coverage)
        still_theirs = conversation.assignee_id == coverage.substitute_id
        outcome = Coverage.State.KEPT if answered or not still_theirs else Coverage.State.RETURNED
        if not work.complete(held, coverage.pk, outcome, finished_at=now):
            return "busy"
        if outcome == Coverage.State.RETURNED and coverage.owner.is_active:
            conversation_actions.update_conversation(
                conversation, actor=None, assignee=coverage.owner
            )
        publish_on_commit(events.coverage_ended(coverage, outcome))
        if coverage.absence_id is not None:
            _hand_back_once(coverage.owner, coverage.absence_id, now=now)
    return outcome


def _hand_back_once(owner: Any, absence_id: int, *, now: datetime) -> None:
    """When the last coverage of an absence ends: the owner's summary, once."""
    if Coverage.objects.filter(
        absence_id=absence_id, state__in=[Coverage.State.PENDING, Coverage.State.ENDING]
    ).exists():
        return
    if Event.objects.filter(kind=Kind.HAND_BACK, data__absence=absence_id).exists():
        return
    absence = Absence.objects.filter(pk=absence_id).first()
    if absence is None:
        return
    touched = hand_back_items(owner, absence.starts_at, absence.ends_at)
    publish_on_commit(events.hand_back(owner, absence_id, [item["id"] for item in touched]))
    notify(
        [owner],
        kind=texts.HAND_BACK,
        params={"conversations": [{k: v for k, v in i.items() if k != "id"} for i in touched]},
        url=reverse("workspace:inbox"),
    )


def hand_back_items(owner: Any, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Every conversation of the owner's customers (theirs or their organisation's) touched
    between `since` and `until`, or covered for them: reference, state now, who handled it
    (the substitute who covered it, else whoever has it), and what other domains add
    through klient.routing.hand_back (callbacks; open promises once they exist)."""
    mine = Q(customer__owner=owner) | Q(
        customer__owner__isnull=True, customer__organisation__owner=owner
    )
    coverages = Coverage.objects.filter(owner=owner, started_at__lt=until)
    covered_by: dict[int, str] = {}
    for cover in coverages.select_related("substitute").order_by("started_at"):
        if cover.substitute is not None:
            covered_by[cover.conversation_id] = _name(cover.substitute)
    rows = (
        Conversation.objects.filter(
            (mine & Q(updated_at__gte=since, updated_at__lte=until + timedelta(minutes=1)))
            | Q(pk__in=coverages.values("conversation_id"))
        )
        .select_related("assignee")
        .order_by("id")
    )
    items = [
        {
            "id": c.pk,
            "ref": c.reference,
            "status": c.status,
            "who": covered_by.get(c.pk) or (_name(c.assignee) if c.assignee else ""),
        }
        for c in rows[:200]
    ]
    hand_back.add_extras(items, since, until)
    return items


def _name(agent: Any) -> str:
    return str(agent.get_full_name() or agent.username)


def sweep_ended_coverage(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: hand back what absences that ended covered."""
    now = now or timezone.now()
    done = 0
    while done < limit and (
        held := work.claim(
            COVERAGE_WORK,
            limit=min(BATCH_SIZE, limit - done),
            now=now,
            due_by=now,
            skip_locked=True,
        )
    ):
        with work.holding(held):
            for coverage_id in list(held.ids):
                try:
                    _end(held, coverage_id, now)
                except Exception as exc:  # one broken row must not hold back the others
                    logger.exception("coverage %s could not end", coverage_id)
                    work.fail(held, coverage_id, 1, exc, permanent=False, now=now)
                done += 1
    return done
