"""The only writers of SLA policies, business hours and conversations' SLA state.

`recompute` (run after each conversation event) and the scheduler share `evaluate_batch`:
load the events of some conversations, run the pure clock (klient.sla.clock), store the
result in ConversationSla and append sla.* events for what changed. Warnings and breaches
are emitted once: their keys are kept in ConversationSla.emitted."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from klient.conversations.models import Conversation, Message
from klient.core import wiring
from klient.core.events import append
from klient.core.models import Event
from klient.people.models import Team
from klient.sla import escalation, events
from klient.sla.calendar import BusinessCalendar
from klient.sla.clock import CLOCK_KINDS, ClockEvent, SlaState, evaluate
from klient.sla.models import BusinessHoursConfig, ConversationSla, SlaPolicy
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
DELIVERY_KINDS = ("delivery.sent", "delivery.bounced", "delivery.failed")


# -- configuration ---------------------------------------------------------------------------


def save_policy(*, actor: Any, policy: SlaPolicy | None = None, **fields: Any) -> SlaPolicy:
    """Create a policy, or change `policy`; fields are SlaPolicy's. Conversations pick the
    change up at their next recomputation."""
    policy = policy or SlaPolicy()
    for name, value in fields.items():
        setattr(policy, name, value)
    if not 1 <= policy.warning_percent <= 100:
        raise ValidationError("The warning must be between 1 and 100 percent of a target.")
    for name in DUE_FIELDS:
        value = getattr(policy, f"{name}_minutes")
        if value is not None and value <= 0:
            raise ValidationError(f"The {name.replace('_', ' ')} target must be positive.")
    if policy.channel and policy.channel not in Conversation.Channel.values:
        raise ValidationError(f"Unknown channel {policy.channel!r}.")
    if policy.priority and policy.priority not in Conversation.Priority.values:
        raise ValidationError(f"Unknown priority {policy.priority!r}.")
    with transaction.atomic():
        created = policy.pk is None
        policy.full_clean()
        policy.save()
        append(
            "sla.policy_created" if created else "sla.policy_changed",
            actor=actor,
            actor_label="" if actor else "system",
            data={"policy": policy.pk, "name": policy.name},
        )
    return policy


def set_business_hours(
    team: Team,
    *,
    actor: Any,
    time_zone: str,
    hours: dict[int | str, list[tuple[str, str]] | list[list[str]]],
    country: str = "",
    subdivision: str = "",
    closures: Sequence[date | str] = (),
    extra_working_days: dict[date | str, list[tuple[str, str]] | list[list[str]]] | None = None,
) -> BusinessHoursConfig:
    """Set a team's working time; validated by building its BusinessCalendar."""
    config = BusinessHoursConfig.objects.filter(team=team).first() or BusinessHoursConfig(team=team)
    config.time_zone = time_zone
    config.hours = {str(int(day)): [list(i) for i in ivs] for day, ivs in hours.items()}
    config.country = country.upper()
    config.subdivision = subdivision
    config.closures = sorted(str(d) for d in closures)
    config.extra_working_days = {
        str(d): [list(i) for i in ivs] for d, ivs in (extra_working_days or {}).items()
    }
    try:
        config.calendar()
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"Invalid business hours: {exc}") from exc
    with transaction.atomic():
        config.save()
        append(
            "sla.business_hours_changed",
            actor=actor,
            actor_label="" if actor else "system",
            data={"team": team.pk, "time_zone": time_zone, "country": config.country},
        )
    return config


# -- the clock --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """What the clock needs for some conversations, loaded in a fixed number of queries."""

    subjects: dict[int, Subject]
    history: dict[int, list[ClockEvent]]
    policies: list[SlaPolicy]
    calendars: dict[int, BusinessCalendar | None]

    @classmethod
    def load(cls, conversation_ids: Sequence[int]) -> Batch:
        policies = active_policies()
        tags: dict[int, set[str]] = defaultdict(set)
        if any(policy.tag for policy in policies):  # one more query only when it matters
            for conversation_id, name in Conversation.tags.through.objects.filter(
                conversation_id__in=conversation_ids
            ).values_list("conversation_id", "tag__name"):
                tags[conversation_id].add(name)
        subjects = {
            pk: Subject(
                team_id=team,
                channel=channel,
                priority=priority,
                organisation_id=org,
                tags=frozenset(tags.get(pk, ())),
            )
            for pk, team, channel, priority, org in Conversation.objects.filter(
                pk__in=conversation_ids
            ).values_list("pk", "team_id", "channel", "priority", "customer__organisation_id")
        }
        rows = list(
            Event.objects.filter(conversation_id__in=conversation_ids, kind__in=CLOCK_KINDS)
            .order_by("conversation_id", "at", "id")
            .values_list("conversation_id", "kind", "at", "data")
        )
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
        out.append(events.policy_changed(cid, now, old=old["policy"], new=new["policy"]))
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
    row.policy_id = new.pop("policy")
    for name, value in new.items():
        setattr(row, name, value)
    row.computed_at = now
    return out


def publish_on_commit(created: Sequence[Event]) -> None:
    """Publish new sla.* events (call inside the transaction that created them), and plan
    the escalation steps of the warnings and breaches among them in that transaction."""
    escalation.schedule(created)
    wiring.publish_on_commit(*created)


def recompute(conversation_id: int, *, now: datetime | None = None) -> ConversationSla:
    """Bring a conversation's SLA state up to date with its events (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not Conversation.objects.filter(pk=conversation_id).exists():
            raise Conversation.DoesNotExist(f"no conversation #{conversation_id}")
        ConversationSla.objects.get_or_create(conversation_id=conversation_id)
        row = ConversationSla.objects.select_for_update().get(pk=conversation_id)
        batch = Batch.load([conversation_id])
        new_events = apply(row, batch, now)
        row.save()
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
        with transaction.atomic(durable=True):
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
