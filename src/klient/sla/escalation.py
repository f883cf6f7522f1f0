"""Escalation: what a policy does when one of its targets is about to be, or has been,
missed (klient.sla.models.EscalationStep).

Scheduling. When the SLA actions store a warning or a breach (sla.warning, sla.breached),
`schedule` writes, in the same transaction, one PendingEscalation per matching step: its
due time is the alert's moment plus the step's delay, and its unique key (step,
conversation, target, cycle start) makes a step fire at most once per cycle of its target.
A new next-reply cycle has a new start, so its steps can fire again.

Firing. `fire_due(now)` (called by klient.sla.scheduler.tick, hence by the worker's sweep)
takes the due rows one by one under a lease (klient.core.work, renewed while it works):
1. claim: take the row (one conditional UPDATE: of two workers, one wins), skip it if the
   target's cycle has ended (answered, solved) or the conversation is closed, decide the
   change once (`plan`, kept for retries);
2. finish, in one transaction: change the conversation through
   klient.conversations.actions.update_conversation (which joins it), notify, append
   sla.escalated and mark the row done — all of it or nothing.
A worker dying after 1 leaves the row pending with a lease; once the lease expires another
run does 2, so the step is done exactly once. A failed change rolls back with the rest and
is retried after a backoff (ESCALATION_WORK.policy), given up at once if it can never work.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klient.conversations.actions import update_conversation
from klient.conversations.models import Conversation
from klient.core import wiring, work
from klient.core.models import Event
from klient.notifications.actions import notify
from klient.people.models import Team
from klient.sla import events, texts
from klient.sla.clock import evaluate
from klient.sla.models import EscalationStep, PendingEscalation
from klient.sla.policies import targets_of

logger = logging.getLogger(__name__)

TRIGGERS: dict[str, str] = {events.Kind.WARNING: "warning", events.Kind.BREACHED: "breach"}
# EscalationStep.Target names the periodic-update target "update"; the clock does not.
CLOCK_TARGETS = {"update": "periodic_update"}
PRIORITY_LADDER = ["low", "normal", "high", "urgent"]
MAX_ATTEMPTS = 5
Action = EscalationStep.Action

# A step as durable work: pending until done, skipped or failed; held under a lease while
# it fires; its due_at (alert + delay) is never moved, so a retry waits under the lease.
ESCALATION_WORK = work.WorkKind(
    PendingEscalation,
    policy=work.RetryPolicy(
        first_retry=timedelta(seconds=30), longest=timedelta(minutes=5), max_attempts=MAX_ATTEMPTS
    ),
    ready=PendingEscalation.State.PENDING,
    failed=PendingEscalation.State.FAILED,
    due_field="due_at",
    error_field="error",
    order_by=("due_at", "pk"),
)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _matches(step: EscalationStep, trigger: str, target: str) -> bool:
    if step.trigger != trigger:
        return False
    return step.target == EscalationStep.Target.ANY or (
        CLOCK_TARGETS.get(step.target, step.target) == target
    )


def schedule(created: Sequence[Event]) -> int:
    """Plan the escalation steps of newly stored warnings and breaches (call inside the
    transaction that stores them). Idempotent; returns how many steps matched."""
    alerts = [e for e in created if e.kind in TRIGGERS and e.conversation_id is not None]
    policy_ids = {e.data.get("policy") for e in alerts} - {None}
    if not policy_ids:
        return 0
    steps: dict[int, list[EscalationStep]] = defaultdict(list)
    for step in EscalationStep.objects.filter(policy_id__in=policy_ids):
        steps[step.policy_id].append(step)
    rows = []
    for alert in alerts:
        assert alert.conversation_id is not None  # filtered above
        trigger, target = TRIGGERS[alert.kind], alert.data["target"]
        moment = _moment(alert.data["moment"])
        for step in steps.get(alert.data.get("policy"), []):
            if _matches(step, trigger, target):
                rows.append(
                    PendingEscalation(
                        step=step,
                        conversation_id=alert.conversation_id,
                        target=target,
                        cycle_started_at=_moment(alert.data["started_at"]),
                        triggered_at=moment,
                        due_at=moment + timedelta(minutes=step.delay_minutes),
                    )
                )
    # The unique key drops a step already planned for this cycle.
    PendingEscalation.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def fire_due(now: datetime | None = None, limit: int = 500) -> int:
    """Fire the escalation steps due at `now`; returns how many were done or skipped."""
    now = now or timezone.now()
    ids = work.due(ESCALATION_WORK, limit=limit, now=now)
    return sum(1 for pk in ids if fire(pk, now=now) in ("done", "skipped"))


def fire(pending_id: int, *, now: datetime | None = None) -> str:
    """Fire one pending step if it is due and free: done, skipped, failed, retry or busy."""
    now = now or timezone.now()
    claimed = _claim(pending_id, now)
    if isinstance(claimed, str):
        return claimed
    row, held = claimed
    with work.holding(held):
        try:
            return _finish(held, row, now)
        except ValidationError as exc:
            return _give_up(held, row, " ".join(exc.messages), now, permanent=True)
        except Exception as exc:
            logger.exception("escalation %s failed; retried after a backoff", row.pk)
            return _give_up(held, row, exc, now)


def _claim(pending_id: int, now: datetime) -> tuple[PendingEscalation, work.Claim] | str:
    """Take the step under a lease (busy if another worker holds it or it is not due),
    skip it if its cycle ended, decide its change once. Returns the row and the claim."""
    held = work.claim_one(ESCALATION_WORK, pending_id, now=now)
    if held is None:
        return "busy"
    row = PendingEscalation.objects.select_related("step__policy").get(pk=pending_id)
    conversation = Conversation.objects.select_related("team").get(pk=row.conversation_id)
    if not _cycle_open(row, conversation, now):
        done = work.complete(
            held,
            row.pk,
            PendingEscalation.State.SKIPPED,
            done_at=now,
            error="the target's cycle ended before the step was due",
        )
        return "skipped" if done else "busy"
    if row.plan is None:
        # The first plan stored wins, should a worker that lost its lease write one too.
        PendingEscalation.objects.filter(pk=row.pk, plan__isnull=True).update(
            plan=_plan(row.step, conversation)
        )
        row.refresh_from_db(fields=["plan"])
    return row, held


def _cycle_open(row: PendingEscalation, conversation: Conversation, now: datetime) -> bool:
    """Whether the cycle the step is about still runs: not met, not ended by a solve."""
    if conversation.status in (Conversation.Status.SOLVED, Conversation.Status.CLOSED):
        return False
    # Imported here: klient.sla.actions stores the alerts and calls `schedule` above.
    from klient.sla.actions import Batch

    history = Batch.load([conversation.pk]).history.get(conversation.pk, [])
    # Cycle boundaries depend on the events and on which targets exist, not on durations
    # or calendars: the step's own policy tells which targets exist.
    state = evaluate(targets_of(row.step.policy), None, history, now)
    target = state.target(row.target)
    return (
        target is not None and target.started_at == row.cycle_started_at and target.ended_at is None
    )


def _plan(step: EscalationStep, conversation: Conversation) -> dict[str, Any]:
    """The change a step makes, decided once so that a retry makes the same one."""
    if step.action == Action.RAISE_PRIORITY:
        level = PRIORITY_LADDER.index(conversation.priority)
        higher = PRIORITY_LADDER[min(level + 1, len(PRIORITY_LADDER) - 1)]
        return {"priority_from": conversation.priority, "priority": higher}
    if step.action == Action.REASSIGN:
        agent = step.fallback_agent_id
        if step.fallback_team_id is None and agent is None:
            agent = conversation.team.lead_id
        return {
            "team_from": conversation.team_id,
            "team": step.fallback_team_id,
            "assignee_from": conversation.assignee_id,
            "assignee": agent,
        }
    return {}


def _change(row: PendingEscalation) -> None:
    plan = row.plan or {}
    conversation = Conversation.objects.get(pk=row.conversation_id)
    if "priority" in plan:
        update_conversation(conversation, actor=None, priority=plan["priority"])
    elif "assignee" in plan:
        team = Team.objects.get(pk=plan["team"]) if plan["team"] else None
        assignee = User.objects.get(pk=plan["assignee"]) if plan["assignee"] else None
        update_conversation(conversation, actor=None, team=team, assignee=assignee)


def _give_up(
    held: work.Claim,
    row: PendingEscalation,
    error: Exception | str,
    now: datetime,
    *,
    permanent: bool = False,
) -> str:
    """A failed change: "retry" after the backoff, or "failed" for good (it can never
    work, or it failed MAX_ATTEMPTS times)."""
    outcome = work.fail(held, row.pk, row.attempts, error, permanent=permanent or None, now=now)
    return "retry" if outcome == "deferred" else "failed"


def _finish(held: work.Claim, claimed: PendingEscalation, now: datetime) -> str:
    # Pinned before the transaction opens (klient.core.work.Claim): done only while our
    # lease holds, with the change, its notifications and event, in one transaction.
    with held.pinned(), transaction.atomic():
        if not work.complete(held, claimed.pk, PendingEscalation.State.DONE, done_at=now):
            return "busy"  # our lease ran out and another worker took the step over
        _change(claimed)
        row = PendingEscalation.objects.select_related("step").get(pk=claimed.pk)
        conversation = Conversation.objects.select_related("team__lead", "assignee").get(
            pk=row.conversation_id
        )
        notified = _notify(row, conversation)
        plan = row.plan or {}
        event = events.escalated(
            conversation.pk,
            now,
            step=row.step_id,
            action=row.step.action,
            target=row.target,
            trigger=row.step.trigger,
            cycle_started_at=row.cycle_started_at,
            outcome={**plan, "notified": [user.pk for user in notified]},
        )
        wiring.publish_on_commit(*Event.objects.bulk_create([event]))
    return "done"


# -- who is told, and what ------------------------------------------------------------------


def _active(users: Sequence[User | None]) -> list[User]:
    return [u for u in users if u is not None and u.is_active]


def _team_lead_or_members(team: Team) -> list[User]:
    """The team lead; without an active one, the team's active members."""
    if lead := _active([team.lead]):
        return lead
    return list(team.members.filter(is_active=True).order_by("pk"))


def _recipients(row: PendingEscalation, conversation: Conversation) -> list[User]:
    action = row.step.action
    if action == Action.NOTIFY_ASSIGNEE:
        return _active([conversation.assignee]) or _team_lead_or_members(conversation.team)
    if action == Action.NOTIFY_TEAM_LEAD:
        return _team_lead_or_members(conversation.team)
    if action == Action.REASSIGN:
        # Whoever the conversation now belongs to learns why it landed on them.
        return _active([conversation.assignee]) or _team_lead_or_members(conversation.team)
    return []


def _notify(row: PendingEscalation, conversation: Conversation) -> list[User]:
    """Tell the step's recipients; each reads it in their own language (klient.sla.texts)."""
    recipients = _recipients(row, conversation)
    notify(
        recipients,
        kind=texts.ESCALATION,
        params=_params(row, conversation),
        conversation=conversation,
        url=reverse("workspace:conversation", args=[conversation.reference]),
        email=row.step.email,
    )
    return recipients


def _params(row: PendingEscalation, conversation: Conversation) -> dict[str, Any]:
    """What the notification says, as data: worded when each recipient reads it."""
    action = row.step.action
    if action == Action.NOTIFY_ASSIGNEE:
        why = texts.ASSIGNEE if conversation.assignee_id else texts.UNASSIGNED
    elif action == Action.NOTIFY_TEAM_LEAD:
        why = texts.TEAM_LEAD
    else:
        why = texts.REASSIGNED
    return {
        "ref": conversation.reference,
        "subject": conversation.subject,
        "target": row.target,
        "trigger": row.step.trigger,
        "why": why,
        "team": conversation.team.name,
    }
