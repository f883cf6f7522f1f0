"""Reads: the collab panel of a conversation, the requests page and its small report."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from klient.conversations.models import Conversation, Message
from klient.people.models import Team
from klient.people.queries import agent_names

from .access import requests_asked_of, requests_visible_to
from .models import ColleagueRequest, FollowUp

REPORT_DAYS = 30
_RELATED = ("conversation", "asked_by", "asked_agent", "asked_team", "taken_by", "answered_by")


def requests_on(conversation: Conversation) -> list[ColleagueRequest]:
    """The conversation's requests, open ones first, then the latest answered."""
    rows = list(
        ColleagueRequest.objects.filter(conversation=conversation)
        .select_related(*_RELATED)
        .order_by("-created_at", "-id")[:50]
    )
    return sorted(rows, key=lambda r: not r.is_open)


def pending_follow_up(conversation: Conversation) -> FollowUp | None:
    return (
        FollowUp.objects.filter(conversation=conversation, state=FollowUp.State.SCHEDULED)
        .order_by("-created_at")
        .first()
    )


def ask_choices(user: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Whom one can ask, as (id, name): every team, and every other active agent. Read as
    values: this is on every conversation page, and model instances cost more than the
    query."""
    teams = list(Team.objects.order_by("name").values_list("pk", "name"))
    agents = agent_names(excluding=user.pk)
    return teams, agents


def inbox_for(user: Any) -> dict[str, list[ColleagueRequest]]:
    """The /collab/ page: open requests asked of me or my teams, those I asked, and the
    recently answered ones I was part of."""
    mine = requests_asked_of(user).select_related(*_RELATED, "conversation__customer")
    asked = ColleagueRequest.objects.filter(asked_by_id=user.pk).select_related(*_RELATED)
    since = timezone.now() - timedelta(days=7)
    return {
        "for_me": list(mine.filter(state=ColleagueRequest.State.OPEN).order_by("created_at")),
        "by_me": list(asked.filter(state=ColleagueRequest.State.OPEN).order_by("created_at")),
        "answered": list(
            requests_visible_to(user)
            .filter(state=ColleagueRequest.State.ANSWERED, answered_at__gte=since)
            .filter(
                pk__in=[*mine.values_list("pk", flat=True), *asked.values_list("pk", flat=True)]
            )
            .select_related(*_RELATED)
            .order_by("-answered_at")[:20]
        ),
    }


def open_count_for(user: Any) -> int:
    """Open requests the user could answer now (the nav badge)."""
    return requests_asked_of(user).filter(state=ColleagueRequest.State.OPEN).count()


def thread(request: ColleagueRequest) -> QuerySet[Message]:
    return (
        request.conversation.messages.select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (fraction in 0..1)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class TeamFigures:
    team: str
    open: int
    answered: int
    median: timedelta | None
    p90: timedelta | None


def report(days: int = REPORT_DAYS) -> list[TeamFigures]:
    """Per team of the conversation (the team that asked for help): requests open now, and
    over the last `days` days how many were answered, with median and 90th percentile of
    the time from question to answer."""
    since = timezone.now() - timedelta(days=days)
    names = dict(Team.objects.values_list("pk", "name"))
    open_by_team: dict[int, int] = {}
    for team_id in ColleagueRequest.objects.filter(state=ColleagueRequest.State.OPEN).values_list(
        "conversation__team_id", flat=True
    ):
        open_by_team[team_id] = open_by_team.get(team_id, 0) + 1
    durations: dict[int, list[float]] = {}
    for team_id, created, answered in ColleagueRequest.objects.filter(
        state=ColleagueRequest.State.ANSWERED, answered_at__gte=since
    ).values_list("conversation__team_id", "created_at", "answered_at"):
        if answered is not None:
            durations.setdefault(team_id, []).append((answered - created).total_seconds())
    figures = []
    for team_id in sorted(set(open_by_team) | set(durations), key=lambda t: names.get(t, "")):
        values = sorted(durations.get(team_id, []))
        figures.append(
            TeamFigures(
                team=names.get(team_id, f"#{team_id}"),
                open=open_by_team.get(team_id, 0),
                answered=len(values),
                median=timedelta(seconds=percentile(values, 0.5)) if values else None,
                p90=timedelta(seconds=percentile(values, 0.9)) if values else None,
            )
        )
    return figures
