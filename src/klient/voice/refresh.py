"""Recomputing a team's recurring topics: durable work, never in a request.

A customer message (or a call with a transcript) asks for its team's recomputation
(`request_refresh`, from the handlers): the team's `TopicRefresh` row becomes due
KLIENT_VOICE_REFRESH_SECONDS later, so a burst of messages is one run. The sweep
`refresh_due_topics` (core.wiring.SWEEPS) claims due rows through core.work, reads the
team's customer messages of the last KLIENT_VOICE_WEEKS weeks (their new text and
detected language; a call's transcript), groups them (the pure klient.voice.topics),
gives each topic found the id of the stored topic it continues, and writes topics,
weekly volumes and links in one transaction. A row done more than a day ago is due
again, so weeks roll over and trends move even when nobody writes."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from klient.conversations.models import Conversation, Message
from klient.core import work
from klient.core.models import Event
from klient.phone.models import Call

from . import events, topics
from .models import Topic, TopicMessage, TopicRefresh, TopicWeek

logger = logging.getLogger(__name__)

DAILY = timedelta(days=1)
REFRESH_WORK = work.WorkKind(
    TopicRefresh,
    policy=work.RetryPolicy(
        first_retry=timedelta(minutes=1), longest=timedelta(hours=1), max_attempts=8
    ),
    ready=TopicRefresh.State.PENDING,
    held=TopicRefresh.State.RUNNING,
    failed=TopicRefresh.State.FAILED,
    order_by=("next_attempt_at",),
)


def _delay() -> timedelta:
    return timedelta(seconds=settings.KLIENT_VOICE_REFRESH_SECONDS)


def request_refresh(team_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Make these teams' recomputation due soon (a row already due keeps its time)."""
    now = now or timezone.now()
    for team_id in sorted(set(team_ids)):
        row, created = TopicRefresh.objects.get_or_create(
            team_id=team_id,
            defaults={"next_attempt_at": now + _delay(), "requested_at": now},
        )
        if created:
            continue
        TopicRefresh.objects.filter(pk=row.pk).update(requested_at=now)
        TopicRefresh.objects.filter(
            pk=row.pk, state__in=[TopicRefresh.State.DONE, TopicRefresh.State.FAILED]
        ).update(state=TopicRefresh.State.PENDING, next_attempt_at=now + _delay(), attempts=0)


def refresh_for_events(event_ids: list[int]) -> None:
    """Handler of message.received and call events: their teams' topics are due."""
    conversation_ids = Event.objects.filter(pk__in=event_ids).values_list(
        "conversation_id", flat=True
    )
    team_ids = Conversation.objects.filter(pk__in=conversation_ids, automatic=False).values_list(
        "team_id", flat=True
    )
    request_refresh(team_ids)


def window_start(now: datetime) -> datetime:
    """The first moment of the window: the Monday KLIENT_VOICE_WEEKS - 1 weeks before
    this week's, at midnight in the desk's time zone."""
    monday = topics.week_of(timezone.localtime(now)) - timedelta(
        weeks=settings.KLIENT_VOICE_WEEKS - 1
    )
    return datetime.combine(monday, time(), tzinfo=timezone.get_current_timezone())


def team_documents(
    team_id: int, *, since: datetime
) -> tuple[list[topics.Document], dict[int, int]]:
    """The team's customer messages since `since` as documents (their new text, a call's
    transcript), and each message's conversation id. Automatic replies, bounces, bulk
    mail and automatic conversations are not the customer's voice."""
    default = settings.LANGUAGE_CODE.split("-")[0]
    transcripts = dict(
        Call.objects.filter(conversation__team_id=team_id, started_at__gte=since)
        .exclude(transcript="")
        .values_list("message_id", "transcript")
    )
    rows = (
        Message.objects.filter(
            # A call's message is Klient's wording of the call ("Inbound call, answered"):
            # only its transcript is the customer's words.
            Q(kind=Message.Kind.INBOUND, sender=Message.Sender.CUSTOMER, call__isnull=True)
            | Q(pk__in=transcripts),
            conversation__team_id=team_id,
            conversation__automatic=False,
            created_at__gte=since,
            is_auto_reply=False,
            is_bounce=False,
            is_bulk=False,
        )
        .order_by("pk")
        .values_list(
            "pk", "conversation_id", "new_text", "language", "conversation__language", "created_at"
        )
    )
    documents, conversations = [], {}
    for pk, conversation_id, text, language, fallback, created_at in rows:
        text = transcripts.get(pk) or text
        if not text.strip():
            continue
        week = topics.week_of(timezone.localtime(created_at))
        documents.append(topics.Document(pk, language or fallback or default, week, text))
        conversations[pk] = conversation_id
    return documents, conversations


@dataclass(frozen=True)
class Grouped:
    """A team's topics as found, before they are stored."""

    team_id: int
    since: datetime
    documents: list[topics.Document]
    conversations: dict[int, int]  # message id -> conversation id
    found: list[topics.Topic]


def group_team(team_id: int, *, now: datetime) -> Grouped:
    """Read the team's window and group it: no write, no transaction (it takes seconds
    for a large team, and holds no lock meanwhile)."""
    since = window_start(now)
    documents, conversations = team_documents(team_id, since=since)
    return Grouped(team_id, since, documents, conversations, topics.group(documents))


def recompute(team_id: int, *, now: datetime) -> dict[str, int]:
    """Recompute one team's topics and write them (the caller's transaction, or its own)."""
    return store(group_team(team_id, now=now), now=now)


def store(grouped: Grouped, *, now: datetime) -> dict[str, int]:
    """Write a team's topics as grouped: each continues the stored topic it matches."""
    team_id, since, documents, conversations, found = (
        grouped.team_id,
        grouped.since,
        grouped.documents,
        grouped.conversations,
        grouped.found,
    )
    week_of = {document.key: document.week for document in documents}
    weeks = topics.weeks_between(since.date(), timezone.localtime(now).date())
    with transaction.atomic():
        stored = list(Topic.objects.select_for_update().filter(team_id=team_id).order_by("pk"))
        continued = topics.match(found, [(t.pk, t.language, t.signature) for t in stored])
        by_pk = {t.pk: t for t in stored}
        kept: list[tuple[Topic, topics.Topic]] = []
        new = 0
        for i, found_topic in enumerate(found):
            series = [found_topic.weeks.get(week, 0) for week in weeks]
            fields: dict[str, Any] = {
                "label": found_topic.label,
                "signature": found_topic.signature,
                "volume": found_topic.volume,
                "trend": topics.trend(series),
                "active": True,
                "last_seen": max(found_topic.weeks),
                "updated_at": now,
            }
            if i in continued:
                row = by_pk.pop(continued[i])
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save(update_fields=list(fields))
            else:
                row = Topic.objects.create(
                    team_id=team_id,
                    language=found_topic.language,
                    first_seen=min(found_topic.weeks),
                    created_at=now,
                    **fields,
                )
                new += 1
            kept.append((row, found_topic))
        gone = [row for row in by_pk.values() if row.active]
        Topic.objects.filter(pk__in=[row.pk for row in gone]).update(
            active=False, volume=0, trend=topics.GONE, updated_at=now
        )
        # The window is rewritten; weeks before it stay as they were last counted.
        TopicWeek.objects.filter(topic__team_id=team_id, week__gte=since.date()).delete()
        TopicMessage.objects.filter(topic__team_id=team_id).delete()
        TopicWeek.objects.bulk_create(
            TopicWeek(topic=row, week=week, volume=volume)
            for row, found_topic in kept
            for week, volume in found_topic.weeks.items()
        )
        TopicMessage.objects.bulk_create(
            (
                TopicMessage(
                    topic=row,
                    message_id=key,
                    conversation_id=conversations[key],
                    week=week_of[key],
                )
                for row, found_topic in kept
                for key in found_topic.members
            ),
            batch_size=1000,
        )
        events.topics_refreshed(
            team_id=team_id, messages=len(documents), topics=len(kept), new=new, gone=len(gone)
        )
    return {"messages": len(documents), "topics": len(kept), "new": new, "gone": len(gone)}


def _refresh(held: work.Claim, pk: int, now: datetime) -> None:
    row = TopicRefresh.objects.get(pk=pk)
    started = timezone.now()
    grouped = group_team(row.team_id, now=now)  # the lease is renewed meanwhile
    with held.pinned(), transaction.atomic():
        requested = TopicRefresh.objects.values_list("requested_at", flat=True).get(pk=pk)
        # A message that came after this run read the others makes the team due again.
        again = requested > started
        done = work.complete(
            held,
            pk,
            TopicRefresh.State.PENDING if again else TopicRefresh.State.DONE,
            refreshed_at=started,
            messages=len(grouped.documents),
            attempts=0,
            last_error="",
            **({"next_attempt_at": requested + _delay()} if again else {}),
        )
        if done:  # else the lease ran out and another worker took the team over
            store(grouped, now=now)


def refresh_due_topics(now: datetime | None = None, limit: int = 1000) -> int:
    """For core.wiring.SWEEPS: recompute the teams whose topics are due (and those whose
    worker died); a team done more than a day ago is due again. Returns how many."""
    now = now or timezone.now()
    TopicRefresh.objects.filter(state=TopicRefresh.State.DONE, refreshed_at__lt=now - DAILY).update(
        state=TopicRefresh.State.PENDING, next_attempt_at=now
    )

    def handle(held: work.Claim, ids: list[int]) -> None:
        work.each_row(held, ids, lambda pk: _refresh(held, pk, now), what="topic refresh", now=now)

    return work.drain_due(REFRESH_WORK, handle, now=now, batch=10, limit=limit)
