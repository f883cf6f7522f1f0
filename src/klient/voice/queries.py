"""Reads of voice of the customer: a topic's weekly series over the last weeks, and a
corrective action's effect (the topic's weekly volume before it and after it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from . import topics
from .models import CorrectiveAction, Topic, TopicWeek

EFFECT_WEEKS = 4  # weeks compared before and after an action


def weeks_until_now(count: int, now: datetime | None = None) -> list[date]:
    """The Mondays of the last `count` ISO weeks, this one last."""
    this = topics.week_of(timezone.localtime(now or timezone.now()))
    return [this - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def series(topic_ids: Iterable[int], weeks: list[date]) -> dict[int, list[int]]:
    """Each topic's volume in each of these weeks (0 where it had none)."""
    ids = list(topic_ids)
    found = {topic_id: dict.fromkeys(weeks, 0) for topic_id in ids}
    rows = TopicWeek.objects.filter(topic_id__in=ids, week__gte=weeks[0], week__lte=weeks[-1])
    for topic_id, week, volume in rows.values_list("topic_id", "week", "volume"):
        found[topic_id][week] = volume
    return {topic_id: list(by_week.values()) for topic_id, by_week in found.items()}


def active_topics(scope: QuerySet[Topic]) -> QuerySet[Topic]:
    return scope.filter(active=True).select_related("team").order_by("-volume", "pk")


@dataclass(frozen=True)
class Effect:
    """The topic's mean weekly volume in the EFFECT_WEEKS weeks before the action was
    created, and in the weeks after it was closed (or, while open, after it was created),
    up to EFFECT_WEEKS of them and not counting this unfinished week."""

    before: float
    before_weeks: int
    after: float | None
    after_weeks: int
    since: str  # "created" or "closed"

    @property
    def change(self) -> float | None:
        if self.after is None or not self.before:
            return None
        return (self.after - self.before) / self.before


def _mean(volumes: dict[date, int], weeks: list[date]) -> float | None:
    return sum(volumes.get(w, 0) for w in weeks) / len(weeks) if weeks else None


def effect(action: CorrectiveAction, now: datetime | None = None) -> Effect:
    now = now or timezone.now()
    this_week = topics.week_of(timezone.localtime(now))
    created = topics.week_of(timezone.localtime(action.created_at))
    closed_at = action.closed_at
    mark = topics.week_of(timezone.localtime(closed_at)) if closed_at else created
    volumes = dict(TopicWeek.objects.filter(topic_id=action.topic_id).values_list("week", "volume"))
    before = [created - timedelta(weeks=n) for n in range(EFFECT_WEEKS, 0, -1)]
    after = [
        week
        for week in (mark + timedelta(weeks=n) for n in range(1, EFFECT_WEEKS + 1))
        if week < this_week
    ]
    return Effect(
        before=_mean(volumes, before) or 0.0,
        before_weeks=len(before),
        after=_mean(volumes, after),
        after_weeks=len(after),
        since="closed" if closed_at else "created",
    )


def action_summary(action: CorrectiveAction, now: datetime | None = None) -> dict[str, Any]:
    found = effect(action, now)
    return {
        "before": round(found.before, 2),
        "after": None if found.after is None else round(found.after, 2),
        "after_weeks": found.after_weeks,
        "since": found.since,
    }
