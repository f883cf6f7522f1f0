"""The only writers of conversations' SLA state (policies are klient.sla.admin_actions',
working hours klient.calendars.actions').

`recompute` (run after each conversation event) and the scheduler share `Batch` and `apply`:
load the events of some conversations, run the pure clock (klient.sla.clock), store the
result in ConversationSla and append sla.* events for what changed. Warnings and breaches
are emitted once: their keys are kept in ConversationSla.emitted. In the same transaction
`record_outcomes` writes how each ended target cycle came out (SlaOutcome, see
klient.sla.outcomes)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from klient.calendars.calendar import BusinessCalendar
from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Conversation, Message
from klient.core import wiring
from klient.core.models import Event
from klient.sla import escalation, events, outcomes
from klient.sla.clock import (
    CANCELLED,
    CLOCK_KINDS,
    ClockEvent,
    CycleOutcome,
    SlaState,
    Targets,
    evaluate,
)
from klient.sla.models import ConversationSla, SlaOutcome, SlaPolicy
from klient.sla.policies import Subject, active_policies, calendars_for, choose, targets_of

logger = logging.getLogger(__name__)

STATE_FIELDS = [
    "policy",
    "started_at",
    "first_reply_due",
    "next_reply_due",
    "update_due",
    "resolution_due",
    "due_at",
    "first_reply_at",
    "paused",
    "paused_since",
    "pause_seconds",
    "stopped",
    "breached",
    "emitted",
    "next_due_at",
]
DUE_FIELDS = {
    "first_reply": "first_reply_due",
    "next_reply": "next_reply_due",
    "periodic_update": "update_due",
    "resolution": "resolution_due",
}
DELIVERY_KINDS = (
    ConversationKind.DELIVERY_SENT,
    ConversationKind.DELIVERY_BOUNCED,
    ConversationKind.DELIVERY_FAILED,
)
# Cycle boundaries do not depend on durations: any long enough duration shows them.
LONG = timedelta(days=3650)
EVERY_TARGET = Targets(first_reply=LONG, next_reply=LONG, periodic_update=LONG, resolution=LONG)


# -- the clock --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """What the clock needs for some conversations, loaded in a fixed number of queries."""

    subjects: dict[int, Subject]
    history: dict[int, list[ClockEvent]]
    policies: list[SlaPolicy]
    calendars: dict[int, BusinessCalendar | None]
    # Who had each conversation when: team/assignee changes, and the current pair.
    owners: dict[int, list[outcomes.OwnerChange]] = field(default_factory=dict)
    current_owner: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)
    # What `apply` computed, waiting for `record_outcomes` (filled per conversation).
    computed: dict[int, outcomes.Computed] = field(default_factory=dict)

    @classmethod
    def load(cls, conversation_ids: Sequence[int]) -> Batch:
        policies = active_policies()
        tags: dict[int, set[str]] = defaultdict(set)
        if any(policy.tag for policy in policies):  # one more query only when it matters
            for conversation_id, name in Conversation.tags.through.objects.filter(
                conversation_id__in=conversation_ids
            ).values_list("conversation_id", "tag__name"):
                tags[conversation_id].add(name)
        subjects: dict[int, Subject] = {}
        current_owner: dict[int, tuple[int | None, int | None]] = {}
        for pk, team, assignee, channel, priority, org in Conversation.objects.filter(
            pk__in=conversation_ids
        ).values_list(
            "pk", "team_id", "assignee_id", "channel", "priority", "customer__organisation_id"
        ):
            subjects[pk] = Subject(
                team_id=team,
                channel=channel,
                priority=priority,
                organisation_id=org,
                tags=frozenset(tags.get(pk, ())),
            )
            current_owner[pk] = (team, assignee)
        rows = list(
            Event.objects.filter(
                conversation_id__in=conversation_ids,
                kind__in=[*CLOCK_KINDS, *outcomes.OWNER_KINDS],
            )
            .order_by("conversation_id", "at", "id")
            .values_list("conversation_id", "kind", "at", "data")
        )
        owners: dict[int, list[outcomes.OwnerChange]] = defaultdict(list)
        for conversation_id, kind, at, data in rows:
            if kind in outcomes.OWNER_KINDS:
                owners[conversation_id].append(
                    outcomes.OwnerChange(at, kind.split(".")[0], data.get("from"), data.get("to"))
                )
        rows = [row for row in rows if row[1] in CLOCK_KINDS]
        message_ids = {data.get("message") for _, kind, _, data in rows if kind in DELIVERY_KINDS}
        messages = {
            pk: (sender, kind)
            for pk, sender, kind in Message.objects.filter(pk__in=message_ids).values_list(
                "pk", "sender", "kind"
            )
        }
        history: dict[int, list[ClockEvent]] = defaultdict(list)
        for conversation_id, kind, at, data in rows:
            if kind in DELIVERY_KINDS:
                sender, message_kind = messages.get(data.get("message"), ("", ""))
                data = {**data, "sender": sender, "message_kind": message_kind}
            history[conversation_id].append(ClockEvent(kind, at, data))
        return cls(
            subjects=subjects,
            history=history,
            policies=policies,
            calendars=calendars_for({s.team_id for s in subjects.values()}),
            owners=dict(owners),
            current_owner=current_owner,
        )

    def state(self, conversation_id: int, now: datetime) -> tuple[SlaPolicy | None, SlaState]:
        subject = self.subjects[conversation_id]
        policy = choose(self.policies, subject)
        calendar = self.calendars.get(subject.team_id) if policy and policy.business_time else None
        state = evaluate(targets_of(policy), calendar, self.history.get(conversation_id, []), now)
        return policy, state


def fields_of(policy: SlaPolicy | None, state: SlaState, emitted: list[str]) -> dict[str, Any]:
    """The ConversationSla field values for a computed state."""
    dues = {field: state.due(name) for name, field in DUE_FIELDS.items()}
    return {
        "policy": policy.pk if policy else None,
        "started_at": state.started_at,
        **dues,
        "due_at": min((d for d in dues.values() if d is not None), default=None),
        "first_reply_at": state.first_reply_at,
        "paused": state.paused,
        "paused_since": state.paused_since,
        "pause_seconds": int(state.pause_total.total_seconds()),
        "stopped": state.stopped,
        "breached": list(state.breached),
        "emitted": sorted(set(emitted) | {a.key for a in state.alerts}),
        "next_due_at": state.next_due_at,
    }


def stored_fields(row: ConversationSla) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in STATE_FIELDS if name != "policy"}
    return {"policy": row.policy_id, **values}


def apply(row: ConversationSla, batch: Batch, now: datetime) -> list[Event]:
    """Compute the row's state at `now`, update it in memory (unsaved) and return the new
    sla.* events (unsaved) for what changed."""
    cid = row.conversation_id
    policy, state = batch.state(cid, now)
    old = stored_fields(row)
    new = fields_of(policy, state, list(row.emitted or []))
    out: list[Event] = []
    if old["started_at"] is None and state.started_at is not None:
        due = {name: state.due(name) for name in DUE_FIELDS}
        out.append(
            events.started(cid, now, policy=new["policy"], started_at=state.started_at, due=due)
        )
    elif old["started_at"] is not None and old["policy"] != new["policy"]:
        out.append(
            events.conversation_policy_changed(cid, now, old=old["policy"], new=new["policy"])
        )
    if old["first_reply_at"] is None and state.first_reply_at is not None:
        target = state.target("first_reply")
        out.append(
            events.first_reply(
                cid, now, replied_at=state.first_reply_at, due_at=target.due_at if target else None
            )
        )
    if new["stopped"] and not old["stopped"]:
        out.append(events.stopped(cid, now, status=state.status))
    elif new["paused"] and not old["paused"]:
        out.append(events.paused(cid, now, status=state.status))
    elif (old["paused"] or old["stopped"]) and not (new["paused"] or new["stopped"]):
        out.append(events.resumed(cid, now, status=state.status))
    already = set(row.emitted or [])
    out.extend(
        events.alert(cid, now, item, policy=new["policy"])
        for item in state.alerts
        if item.key not in already
    )
    batch.computed[cid] = outcomes.Computed(
        policy_id=new["policy"],
        cycles=state.cycles,
        dropped=_dropped_cycles(batch, cid, old, state, now),
        dropped_policy_id=old["policy"],
    )
    row.policy_id = new.pop("policy")
    for name, value in new.items():
        setattr(row, name, value)
    row.computed_at = now
    return out


def _dropped_cycles(
    batch: Batch, cid: int, old: dict[str, Any], state: SlaState, now: datetime
) -> tuple[CycleOutcome, ...]:
    """The cycles that were running before this recomputation for a target the policy no
    longer has (another policy applies, or the policy was edited): cancelled now."""
    kept = {target.name for target in state.targets}
    gone = [n for n, f in DUE_FIELDS.items() if old[f] is not None and n not in kept]
    if not gone:
        return ()
    boundaries = evaluate(EVERY_TARGET, None, batch.history.get(cid, []), now)
    dropped = []
    for name in gone:
        cycle = boundaries.target(name)
        if cycle is not None and cycle.ended_at is None:
            due = old[DUE_FIELDS[name]]
            dropped.append(CycleOutcome(name, cycle.started_at, due, CANCELLED, now))
    return tuple(dropped)


def record_outcomes(batch: Batch, now: datetime) -> None:
    """Write the SlaOutcome rows for what `apply` computed on this batch (call in its
    transaction, after `apply`): at most three queries, whatever the batch's size."""
    computed = {cid: c for cid, c in batch.computed.items() if c.cycles or c.dropped}
    batch.computed.clear()
    if not computed:
        return
    recorded: dict[int, dict[tuple[str, datetime], outcomes.Recorded]] = defaultdict(dict)
    for pk, cid, target, started, outcome, ended in SlaOutcome.objects.filter(
        conversation_id__in=list(computed)
    ).values_list("pk", "conversation_id", "target", "cycle_started_at", "outcome", "ended_at"):
        recorded[cid][(target, started)] = outcomes.Recorded(pk, outcome, ended)
    delete: list[int] = []
    insert: list[SlaOutcome] = []
    for cid, item in computed.items():
        gone, new = outcomes.plan(
            item,
            recorded[cid],
            batch.owners.get(cid, []),
            batch.current_owner.get(cid, (None, None)),
        )
        delete.extend(gone)
        insert.extend(
            SlaOutcome(conversation_id=cid, recorded_at=now, **asdict(row)) for row in new
        )
    if delete:
        SlaOutcome.objects.filter(pk__in=delete).delete()
    if insert:
        SlaOutcome.objects.bulk_create(insert, ignore_conflicts=True)


def backfill_outcomes(*, batch: int = 500, now: datetime | None = None) -> int:
    """Record the outcomes of the cycles already ended in every conversation whose clock
    started (for data from before outcomes were recorded). Idempotent; touches neither the
    clock state nor the event log. Returns how many conversations were looked at."""
    now = now or timezone.now()
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                ConversationSla.objects.select_for_update()
                .filter(started_at__isnull=False, pk__gt=last)
                .order_by("pk")[:batch]
            )
            if not rows:
                return done
            loaded = Batch.load([row.pk for row in rows])
            for row in rows:
                if row.pk in loaded.subjects:
                    policy, state = loaded.state(row.pk, now)
                    loaded.computed[row.pk] = outcomes.Computed(
                        policy.pk if policy else None, state.cycles
                    )
            record_outcomes(loaded, now)
        done += len(rows)
        last = rows[-1].pk


def publish_on_commit(created: Sequence[Event]) -> None:
    """Publish new sla.* events (call inside the transaction that created them), and plan
    the escalation steps of the warnings and breaches among them in that transaction."""
    escalation.schedule(created)
    wiring.publish_on_commit(*created)


def recompute(conversation_id: int, *, now: datetime | None = None) -> ConversationSla:
    """Bring a conversation's SLA state up to date with its events (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conversation_id).exists():
            raise Conversation.DoesNotExist(f"no conversation #{conversation_id}")
        ConversationSla.objects.get_or_create(conversation_id=conversation_id)
        row = ConversationSla.objects.select_for_update().get(pk=conversation_id)
        batch = Batch.load([conversation_id])
        new_events = apply(row, batch, now)
        row.save()
        record_outcomes(batch, now)
        publish_on_commit(Event.objects.bulk_create(new_events))
    return row


def save_rows(rows: Sequence[ConversationSla]) -> None:
    """One parameterised UPDATE per row, sent in one executemany (pipelined on psycopg):
    Django's bulk_update builds a CASE per field and row, which costs seconds per thousand."""
    if not rows:
        return
    fields: list[Any] = [
        ConversationSla._meta.get_field(name) for name in [*STATE_FIELDS, "computed_at"]
    ]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    # Identifiers come from the model and are quoted; every value is a parameter.
    sql = (
        f"UPDATE {qn(ConversationSla._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {qn('conversation_id')} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def recompute_many(conversation_ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Bring the SLA state of several conversations up to date in one transaction and a
    fixed number of queries (idempotent; unknown ids are skipped). If the batch fails, each
    conversation is recomputed on its own so one bad conversation does not hold back the
    others. Returns how many conversations were recomputed."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    try:
        with transaction.atomic():
            ids = list(
                Conversation.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
            )
            ConversationSla.objects.bulk_create(
                [ConversationSla(conversation_id=cid) for cid in ids], ignore_conflicts=True
            )
            rows = list(
                ConversationSla.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            )
            batch = Batch.load(ids)
            new_events: list[Event] = []
            for row in rows:
                new_events.extend(apply(row, batch, now))
            save_rows(rows)
            record_outcomes(batch, now)
            publish_on_commit(Event.objects.bulk_create(new_events))
        return len(rows)
    except Exception:
        if len(ids) == 1:
            raise
        logger.exception("SLA recompute of %s conversations failed; one by one", len(ids))
    done = 0
    for cid in ids:
        try:
            recompute(cid, now=now)
            done += 1
        except Exception:
            logger.exception("SLA recompute of conversation %s failed", cid)
    return done
