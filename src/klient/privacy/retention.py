"""Teams' retention rules, applied once a day by the worker's sweep.

A rule erases the personal content of a team's conversations that are solved or closed
and have not changed for N months (a month: 30 days; `updated_at` moves with every
message and status change, so a conversation reopened and solved again waits anew). The
sweep runs every few seconds but works at most once a day: each day has one
RetentionRun row (unique), taken under a lease. A worker that dies mid-run leaves it
unfinished; once its lease runs out another worker takes it over, and since erasing is
idempotent and erased conversations are marked, it only does what is left. Each
conversation is erased in its own transaction, so a long run holds no lock for long, and
one sweep call works for a couple of seconds at most (BUDGET_SECONDS): a long run is
continued by the next calls, so the worker's other sweeps are never held up by it."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from klient.conversations.models import Conversation
from klient.core import shutdown, work
from klient.core.transactions import entry_point

from .actions import compact_sqlite, erase_conversation
from .models import ErasedConversation, RetentionRule, RetentionRun

DAYS_PER_MONTH = 30
# How long one sweep call may erase before it hands the day's run to the next call.
BUDGET_SECONDS = 2.0
CLOSED = (Conversation.Status.SOLVED, Conversation.Status.CLOSED)


def cutoff(now: datetime, months: int) -> datetime:
    return now - timedelta(days=DAYS_PER_MONTH * months)


def due(rule: RetentionRule, now: datetime) -> list[int]:
    """The team's conversations the rule erases now, oldest first."""
    months = rule.erase_closed_after_months
    if months is None:
        return []
    erased = ErasedConversation.objects.values("conversation_id")
    return list(
        Conversation.objects.filter(
            team_id=rule.team_id, status__in=CLOSED, updated_at__lte=cutoff(now, months)
        )
        .exclude(pk__in=erased)
        .order_by("updated_at", "id")
        .values_list("pk", flat=True)
    )


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=work.lease_seconds())


def _claim(day: date, now: datetime) -> RetentionRun | None:
    """Today's run if this worker may do it: new, or unfinished with its lease run out."""
    try:
        with transaction.atomic():
            return RetentionRun.objects.create(day=day, started_at=now, lease_until=_lease(now))
    except IntegrityError:
        taken = RetentionRun.objects.filter(day=day, finished_at=None, lease_until__lt=now).update(
            lease_until=_lease(now)
        )
        return RetentionRun.objects.get(day=day) if taken else None


def _erase_one(conversation_id: int, rule: RetentionRule, now: datetime) -> bool:
    with entry_point():
        conversation = (
            Conversation.objects.select_for_update()
            .filter(
                pk=conversation_id,
                status__in=CLOSED,
                updated_at__lte=cutoff(now, rule.erase_closed_after_months or 0),
            )
            .first()
        )
        # Checked again under the lock: a customer may have written since it was listed.
        if conversation is None or ErasedConversation.objects.filter(pk=conversation_id).exists():
            return False
        erase_conversation(
            conversation,
            rule={
                "team": rule.team_id,
                "erase_closed_after_months": rule.erase_closed_after_months,
            },
        )
        return True


def sweep_retention(now: datetime | None = None) -> int:
    """The worker's sweep (core.wiring.SWEEPS): apply every team's rule, once a day.
    One call works for at most BUDGET_SECONDS, so the other sweeps (SLA timers, deliveries)
    are not held up; it then hands the day's run back (its lease ended), and the next call,
    by any worker, continues it. Returns how many conversations this call erased."""
    now = now or timezone.now()
    run = _claim(timezone.localdate(now), now)
    if run is None:
        return 0
    erased = 0
    started = time.monotonic()
    rules = RetentionRule.objects.filter(erase_closed_after_months__isnull=False).order_by("pk")
    for rule in rules:
        for conversation_id in due(rule, now):
            erased += _erase_one(conversation_id, rule, now)
            RetentionRun.objects.filter(pk=run.pk).update(lease_until=_lease(timezone.now()))
            if shutdown.requested() or time.monotonic() - started >= BUDGET_SECONDS:
                _hand_back(run, erased)
                return erased
    RetentionRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), lease_until=None, conversations=run.conversations + erased
    )
    if erased and connection.vendor == "sqlite":
        compact_sqlite()
    return erased


def _hand_back(run: RetentionRun, erased: int) -> None:
    """Unfinished: the lease ends now, so the next sweep call takes the run over."""
    RetentionRun.objects.filter(pk=run.pk).update(
        lease_until=timezone.now() - timedelta(microseconds=1),
        conversations=run.conversations + erased,
    )
    if erased and connection.vendor == "sqlite":
        compact_sqlite()
