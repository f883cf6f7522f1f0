"""Running rules: on an event (the handler), on a timer (the sweep), and the bulk pass that
schedules a time rule's timers for the conversations already in its state.

Time rules cost what is due, not what is open: when a conversation enters a rule's state
(a status, or its creation), a Timer row is written with its due time (business minutes on
the team's calendar, as the SLA counts them); the sweep claims only rows whose due time has
passed, through a partial index, batch after batch until none is due (no cap), and checks
the rule again on each before it fires.

A firing is one transaction on the locked conversation: the Firing row (unique per rule,
conversation and triggering moment, so a rule never runs twice for one moment), the
actions through the domains' own actions, the events they append marked with the rule's
cause (klient.automations.chains), and an `automation.fired` event."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from klient.calendars.business_time import due_at
from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Conversation, Message
from klient.core import shutdown, work
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify
from klient.promises.events import Kind as PromiseKind
from klient.sentiment.intake import analyse_for_events
from klient.sentiment.models import MessageSentiment
from klient.sla.events import Kind as SlaKind
from klient.sla.policies import calendars_for

from . import chains, events, spec, texts
from .action_table import ACTIONS, Context, administrators
from .models import Firing, Rule, Timer

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # timers claimed at once
GROUP_SIZE = 50  # timers fired in one transaction
RETRY_AFTER = timedelta(minutes=2)
# A timer as durable work: scheduled until due, firing under a lease; a failed attempt
# waits RETRY_AFTER under the lease it keeps, and is never given up (it is re-checked).
TIMER_WORK = work.WorkKind(
    Timer,
    policy=work.RetryPolicy(
        first_retry=RETRY_AFTER, longest=RETRY_AFTER, max_attempts=2**31, jitter=0
    ),
    ready=Timer.State.SCHEDULED,
    held=Timer.State.FIRING,
    attempts_field=None,
    due_field="due_at",
    error_field=None,
    order_by=("due_at",),
    reschedules=False,  # due_at is the rule's moment: a retry never moves it
)
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
# What an event rule may start on; a promise broken at its due time too (issue 17).
EVENTS: tuple[str, ...] = (
    ConversationKind.CONVERSATION_CREATED.value,
    ConversationKind.MESSAGE_RECEIVED.value,
    ConversationKind.STATUS_CHANGED.value,
    SlaKind.WARNING.value,
    SlaKind.BREACHED.value,
    PromiseKind.BROKEN.value,
)


def choices() -> spec.Choices:
    return spec.Choices(
        events=EVENTS,
        statuses=tuple(Conversation.Status.values),
        priorities=tuple(Conversation.Priority.values),
        channels=tuple(Conversation.Channel.values),
        actions=tuple(ACTIONS),
    )


def check_rule(body: Any) -> spec.RuleSpec:
    """The rule a body describes, every action's value checked (ValidationError saying
    where and why)."""
    try:
        rule = spec.parse(body, choices())
    except spec.SpecError as exc:
        # Worded in the reader's language; the JSON paths in it (then[0].value) stay as sent.
        raise ValidationError(gettext(exc.template).format(**exc.params)) from None
    checked = []
    for index, action in enumerate(rule.actions):
        try:
            value = ACTIONS[action.action].check(action.value)
        except ValidationError as exc:
            raise ValidationError(f"then[{index}].value: {' '.join(exc.messages)}") from None
        checked.append(spec.Action(action.action, value))
    return spec.RuleSpec(rule.name, rule.when, rule.conditions, tuple(checked), rule.active)


def rule_spec(rule: Rule) -> spec.RuleSpec:
    """A stored rule as a spec (stored bodies were checked when saved)."""
    return spec.parse(rule.body(), choices())


# -- facts and moments ----------------------------------------------------------------------


def facts_for(conversation_ids: Iterable[int]) -> dict[int, spec.Facts]:
    """What conditions read, for each conversation: two queries for any number."""
    ids = list(conversation_ids)
    tags: dict[int, set[str]] = {}
    through = Conversation.tags.through.objects.filter(conversation_id__in=ids)
    for conversation_id, name in through.values_list("conversation_id", "tag__name"):
        tags.setdefault(conversation_id, set()).add(name)
    rows = Conversation.objects.filter(pk__in=ids).values_list(
        "pk", "team_id", "channel", "status", "priority", "language", "customer__organisation_id"
    )
    sentiments = _last_sentiments(ids)
    return {
        pk: spec.Facts(
            team=team,
            channel=channel,
            status=status,
            priority=priority,
            language=language,
            organisation=organisation,
            tags=frozenset(tags.get(pk, ())),
            sentiment=sentiments.get(pk, ""),
        )
        for pk, team, channel, status, priority, language, organisation in rows
    }


def _last_sentiments(conversation_ids: list[int]) -> dict[int, str]:
    """The label of each conversation's last analysed inbound customer message (sentiment
    runs before the rules on message.received: the triggering message's, then)."""
    rows = (
        MessageSentiment.objects.filter(message__conversation_id__in=conversation_ids)
        .order_by("message__conversation_id", "-message__created_at", "-message_id")
        .values_list("message__conversation_id", "label")
    )
    last: dict[int, str] = {}
    for conversation_id, label in rows:
        last.setdefault(conversation_id, label)
    return last


def _entered(conversations: Sequence[tuple[int, datetime]], status: str) -> dict[int, datetime]:
    """When each conversation (id, created_at) last entered `status`: its latest
    status.changed to it, else its creation (it was created in that state)."""
    changed: dict[int, datetime] = {}
    changes = Event.objects.filter(
        kind=ConversationKind.STATUS_CHANGED,
        conversation_id__in=[pk for pk, _ in conversations],
        data__to=status,
    ).values_list("conversation_id", "at")
    for pk, at in changes:
        if pk is not None and (pk not in changed or at > changed[pk]):
            changed[pk] = at
    return {pk: changed.get(pk, created) for pk, created in conversations}


def in_state(when: spec.When) -> Any:
    """The conversations a time rule's state holds now (a queryset)."""
    rows = Conversation.objects.filter(merged_into__isnull=True, automatic=False)
    if when.since_status:
        return rows.filter(status=when.since_status)
    return rows.filter(status__in=OPEN_STATUSES)


def due_time(when: spec.When, calendar: Any, moment: datetime) -> datetime:
    """`minutes` after `moment`: business minutes on the team's calendar when the rule says
    so and the team has business hours (as the SLA counts), else real time."""
    return due_at(calendar if when.business else None, moment, timedelta(minutes=when.minutes))


# -- scheduling -----------------------------------------------------------------------------


def _new_timers(
    rule: Rule,
    when: spec.When,
    entries: Sequence[tuple[int, int, datetime]],
    *,
    cause: dict[str, Any] | None = None,
) -> list[Timer]:
    """Timers of `rule` for these (conversation, team, moment) entries."""
    calendars = calendars_for({team for _, team, _ in entries}) if when.business else {}
    return [
        Timer(
            rule=rule,
            rule_version=rule.updated_at,
            conversation_id=conversation,
            since=rule.since,
            moment=moment,
            due_at=due_time(when, calendars.get(team), moment),
            cause=cause,
        )
        for conversation, team, moment in entries
    ]


def schedule_existing(rule: Rule, *, batch: int = 2000) -> int:
    """The bulk pass after a time rule is saved: drop its timers scheduled under an older
    version of it, then schedule one for each conversation in its state now (O(open),
    once per edit, batch by batch). Timers already fired or skipped for the same moment
    stay, so an edit never fires a rule twice for one moment. Returns how many it wrote."""
    Timer.objects.filter(rule=rule, state=Timer.State.SCHEDULED).exclude(
        rule_version=rule.updated_at
    ).delete()
    if not rule.active or not rule.since:
        Timer.objects.filter(rule=rule, state=Timer.State.SCHEDULED).delete()
        return 0
    when = rule_spec(rule).when
    written, after = 0, 0
    while True:
        rows = list(
            in_state(when)
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "team_id", "created_at")[:batch]
        )
        if not rows:
            return written
        after = rows[-1][0]
        if when.since_status:
            moments = _entered([(pk, created) for pk, _, created in rows], when.since_status)
        else:
            moments = {pk: created for pk, _, created in rows}
        entries = [(pk, team, moments[pk]) for pk, team, _ in rows]
        with transaction.atomic():
            Timer.objects.bulk_create(_new_timers(rule, when, entries), ignore_conflicts=True)
        written += len(entries)


def _schedule_for_events(evs: Sequence[Event]) -> None:
    """A conversation entered a state: schedule the time rules counting from it, and cancel
    its timers counting from a status it left."""
    entering = [
        (e, e.conversation_id)
        for e in evs
        if e.conversation_id is not None
        and e.kind in (ConversationKind.STATUS_CHANGED, ConversationKind.CONVERSATION_CREATED)
    ]
    if not entering:
        return
    rules = list(Rule.objects.filter(active=True).exclude(since=""))
    now = timezone.now()
    with transaction.atomic():
        for event, conversation_id in entering:
            if event.kind == ConversationKind.STATUS_CHANGED:
                status, starts = (
                    event.data.get("to"),
                    [f"{spec.SINCE_STATUS}{event.data.get('to')}"],
                )
                Timer.objects.filter(
                    conversation_id=conversation_id,
                    state=Timer.State.SCHEDULED,
                    since__startswith=spec.SINCE_STATUS,
                    moment__lt=event.at,
                ).exclude(since=starts[0]).update(state=Timer.State.CANCELLED, finished_at=now)
            else:
                status, starts = "new", [f"{spec.SINCE_STATUS}new", spec.SINCE_CREATED]
            concerned = [rule for rule in rules if rule.since in starts]
            if not concerned or status is None:
                continue
            conversation = Conversation.objects.filter(pk=conversation_id).first()
            if conversation is None or conversation.automatic:
                continue
            cause = event.data.get("automation")
            for rule in concerned:
                when = rule_spec(rule).when
                Timer.objects.bulk_create(
                    _new_timers(
                        rule, when, [(conversation.pk, conversation.team_id, event.at)], cause=cause
                    ),
                    ignore_conflicts=True,
                )


def recompute_after_hours_change(event_ids: list[int], *, batch: int = 2000) -> int:
    """Handler for calendars.working_hours_saved: a team's new business hours move the due
    times of its conversations' scheduled business-minute timers (as the SLA's due times
    move), counted again from each timer's own moment. Timers already firing or finished
    keep theirs. Returns how many timers it looked at."""
    teams = {
        int(data["team"])
        for data in Event.objects.filter(pk__in=event_ids).values_list("data", flat=True)
        if data.get("team") is not None
    }
    if not teams:
        return 0
    business = {
        rule.pk: when
        for rule in Rule.objects.filter(active=True).exclude(since="")
        if (when := rule_spec(rule).when).business
    }
    if not business:
        return 0
    calendars = calendars_for(teams)
    seen, after = 0, 0
    while True:
        rows = list(
            Timer.objects.filter(
                pk__gt=after,
                state=Timer.State.SCHEDULED,
                rule_id__in=business,
                conversation__team_id__in=teams,
            )
            .order_by("pk")
            .values_list("pk", "rule_id", "moment", "due_at", "conversation__team_id")[:batch]
        )
        if not rows:
            return seen
        after = rows[-1][0]
        seen += len(rows)
        moved = [
            Timer(pk=pk, due_at=due)
            for pk, rule_id, moment, old, team in rows
            if (due := due_time(business[rule_id], calendars.get(team), moment)) != old
        ]
        with transaction.atomic():
            # Only timers still scheduled: one a sweep claimed meanwhile keeps its moment.
            for timer in moved:
                Timer.objects.filter(pk=timer.pk, state=Timer.State.SCHEDULED).update(
                    due_at=timer.due_at
                )


# -- firing ---------------------------------------------------------------------------------


def _last_event_id() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _mark_caused(conversation_id: int, after: int, cause: chains.Cause, rule: Rule) -> None:
    """The events the rule's actions appended in this transaction (those on the locked
    conversation after `after`) carry its cause, and name the rule when no person did it.
    Written before the transaction commits: no reader ever sees them unmarked."""
    rows = list(Event.objects.filter(pk__gt=after, conversation_id=conversation_id))
    for row in rows:
        row.data = {**row.data, "automation": cause.as_json()}
        if row.actor_id is None and row.actor_label in ("", "system"):
            row.actor_label = rule.label
    Event.objects.bulk_update(rows, ["data", "actor_label"])


def run_rule(
    rule: Rule,
    conversation_id: int,
    *,
    moment: str,
    parent: chains.Cause | None,
    message_id: int | None = None,
    facts: spec.Facts | None = None,
) -> str:
    """Run `rule` once on a conversation for one triggering moment; returns the outcome
    (a Firing.Outcome, or "" when it had already run for that moment). Its conditions are
    checked on `facts` (default: the conversation now); when they hold but the rule is
    already in the chain, or the chain is too deep, it is stopped and reported instead."""
    cause, allowed = chains.next_cause(parent, rule.pk)
    now = timezone.now()
    # Its own transaction from the handler; the timer's savepoint from the sweep.
    with transaction.atomic(savepoint=False):
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None:
            return ""
        if Firing.objects.filter(rule=rule, conversation=conversation, moment=moment).exists():
            return ""
        record = Firing(
            rule=rule,
            conversation=conversation,
            moment=moment,
            depth=cause.depth,
            chain=list(cause.chain),
            at=now,
        )
        rule_body = rule_spec(rule)
        if facts is None:
            facts = facts_for([conversation.pk]).get(conversation.pk)
        if (
            conversation.merged_into_id is not None
            or facts is None
            or not spec.matches(rule_body.conditions, facts)
        ):
            record.outcome = Firing.Outcome.NOT_MATCHED
            record.save()
            return record.outcome
        if not allowed:
            record.outcome = Firing.Outcome.LOOP_STOPPED
            record.save()
            publish_on_commit(
                events.loop_stopped(
                    rule, conversation, moment=moment, chain=list(cause.chain), depth=cause.depth
                )
            )
            notify(
                administrators(),
                kind=texts.LOOP_STOPPED,
                params={
                    "rule": rule.name,
                    "ref": conversation.reference,
                    "chain": list(cause.chain),
                },
                conversation=conversation,
                url=reverse("workspace:conversation", args=[conversation.reference]),
            )
            return record.outcome
        message = Message.objects.filter(pk=message_id).first() if message_id else None
        after = _last_event_id()
        errors: list[str] = []
        for action in rule_body.actions:
            fresh = Conversation.objects.select_related("customer", "team").get(pk=conversation.pk)
            try:
                with transaction.atomic():  # a refused action leaves nothing behind
                    ACTIONS[action.action].run(Context(rule, fresh, message), action.value)
            except ValidationError as exc:
                errors.append(f"{action.action}: {' '.join(exc.messages)}")
        publish_on_commit(
            events.fired(rule, conversation, moment=moment, cause=cause.as_json(), errors=errors)
        )
        _mark_caused(conversation.pk, after, cause, rule)
        record.outcome, record.errors = Firing.Outcome.FIRED, errors
        record.save()
        return record.outcome


def _event_rules(kind: str, cache: dict[str, list[Rule]]) -> list[Rule]:
    if kind not in cache:
        cache[kind] = list(Rule.objects.filter(active=True, event=kind).order_by("pk"))
    return cache[kind]


def _reads_sentiment(rule: Rule) -> bool:
    return any(condition.get("field") == "sentiment" for condition in rule.conditions or ())


def handle_events(event_ids: list[int]) -> None:
    """Handler (automations.handlers): schedule time rules' timers for the states entered,
    then run the event rules on each event, in order. Idempotent (Firing is unique per
    rule, conversation and event); one rule failing does not stop the others."""
    evs = list(Event.objects.filter(pk__in=event_ids).order_by("pk"))
    _schedule_for_events(evs)
    rules: dict[str, list[Rule]] = {}
    for event in evs:
        if event.conversation_id is None or event.kind not in EVENTS:
            continue
        message = (
            event.data.get("message") if event.kind == ConversationKind.MESSAGE_RECEIVED else None
        )
        # Every rule on this event reads the conversation as it was before any of them
        # acted: one rule's change is a new event, with its own chain, not a new state
        # for the next rule on the same event.
        concerned = _event_rules(event.kind, rules)
        if isinstance(message, int) and any(_reads_sentiment(rule) for rule in concerned):
            # Handlers of a burst run in the order their kinds first appear: a new
            # conversation's rules may come before sentiment's handler. Analysing is
            # idempotent, so the rule analyses its triggering message itself first.
            analyse_for_events([event.pk])
        before = (
            facts_for([event.conversation_id]).get(event.conversation_id) if concerned else None
        )
        for rule in concerned:
            try:
                run_rule(
                    rule,
                    event.conversation_id,
                    moment=f"event:{event.pk}",
                    parent=chains.parent_of(event.data),
                    message_id=message if isinstance(message, int) else None,
                    facts=before,
                )
            except Exception:
                logger.exception("automation rule %s failed on event %s", rule.pk, event.pk)


# -- the sweep ------------------------------------------------------------------------------


def _still_in_state(timer: Timer) -> bool:
    """Whether the conversation is still in the state the timer counts from, entered at
    the timer's moment (not left and entered again since)."""
    status = timer.since[len(spec.SINCE_STATUS) :] if timer.since.startswith("status:") else ""
    conversation = Conversation.objects.filter(pk=timer.conversation_id).first()
    if conversation is None or conversation.merged_into_id is not None:
        return False
    if not status:
        return conversation.status in OPEN_STATUSES
    if conversation.status != status:
        return False
    return not Event.objects.filter(
        conversation_id=timer.conversation_id,
        kind=ConversationKind.STATUS_CHANGED,
        at__gt=timer.moment,
    ).exists()


def _fire_timer(held: work.Claim, timer_id: int, now: datetime) -> str:
    """Precondition: inside the savepoint _fire_group opens for this timer."""
    with transaction.atomic(savepoint=False):
        timer = Timer.objects.select_related("rule").get(pk=timer_id)
        rule = timer.rule
        current = (
            rule.active and rule.updated_at == timer.rule_version and rule.since == timer.since
        )
        if not current or not _still_in_state(timer):
            work.complete(held, timer.pk, Timer.State.SKIPPED, finished_at=now)
            return Timer.State.SKIPPED
        outcome = run_rule(
            rule,
            timer.conversation_id,
            moment=f"timer:{timer.pk}",
            parent=chains.parent_of({"automation": timer.cause}),
        )
        state = Timer.State.FIRED if outcome == Firing.Outcome.FIRED else Timer.State.SKIPPED
        work.complete(held, timer.pk, state, finished_at=now)
        return state


def sweep_due_timers(now: datetime | None = None) -> int:
    """For core.wiring.SWEEPS: fire every timer due by `now`, batch after batch until none
    is due (no cap: nothing due is ever silently left for a later run). Returns how many."""
    now = now or timezone.now()
    done = 0
    while not shutdown.requested() and (
        held := work.claim(TIMER_WORK, limit=BATCH_SIZE, now=now, due_by=now, skip_locked=True)
    ):
        ids = list(held.ids)
        with work.holding(held):
            for start in range(0, len(ids), GROUP_SIZE):
                _fire_group(held, ids[start : start + GROUP_SIZE], now)
        done += len(ids)
    return done


def _fire_group(held: work.Claim, ids: list[int], now: datetime) -> None:
    """Fire these timers in one transaction, each in a savepoint of its own: one commit
    per group rather than per timer (a commit is most of a firing's cost on SQLite), and
    a timer that fails leaves nothing behind; it is retried after RETRY_AFTER."""
    with held.pinned(), transaction.atomic():
        for timer_id in ids:
            try:
                with transaction.atomic():
                    _fire_timer(held, timer_id, now)
            except Exception as exc:
                logger.exception("automation timer %s failed; retried later", timer_id)
                work.fail(held, timer_id, 1, exc, permanent=False, now=now)


def preview(rule: Rule, *, limit: int = 500) -> tuple[int, list[str]]:
    """The conversations the rule would touch now: an event rule, the open ones its
    conditions match; a time rule, those in its state for its whole duration that its
    conditions match and that it has not fired on for that moment. Returns (how many,
    their references, at most `limit`). Reads O(open) once: an administrator's dry run."""
    body = rule_spec(rule)
    when = body.when
    rows = (
        in_state(when)
        if when.is_time
        else Conversation.objects.filter(
            merged_into__isnull=True, automatic=False, status__in=OPEN_STATUSES
        )
    )
    now = timezone.now()
    count, after = 0, 0
    refs: list[str] = []
    while True:
        batch = list(
            rows.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "team_id", "created_at")[:2000]
        )
        if not batch:
            return count, refs
        after = batch[-1][0]
        facts = facts_for([pk for pk, _, _ in batch])
        hits = [
            pk for pk, _, _ in batch if pk in facts and spec.matches(body.conditions, facts[pk])
        ]
        if when.is_time and hits:
            hits = _due_now(rule, when, [(pk, t, c) for pk, t, c in batch if pk in set(hits)], now)
        count += len(hits)
        refs.extend(Conversation(pk=pk).reference for pk in hits[: max(0, limit - len(refs))])


def _due_now(
    rule: Rule, when: spec.When, rows: list[tuple[int, int, datetime]], now: datetime
) -> list[int]:
    if when.since_status:
        moments = _entered([(pk, created) for pk, _, created in rows], when.since_status)
    else:
        moments = {pk: created for pk, _, created in rows}
    calendars = calendars_for({team for _, team, _ in rows}) if when.business else {}
    fired = set(
        Timer.objects.filter(
            rule=rule,
            conversation_id__in=[pk for pk, _, _ in rows],
            state__in=[Timer.State.FIRED, Timer.State.SKIPPED],
        ).values_list("conversation_id", "moment")
    )
    return [
        pk
        for pk, team, _ in rows
        if (pk, moments[pk]) not in fired
        and due_time(when, calendars.get(team), moments[pk]) <= now
    ]
