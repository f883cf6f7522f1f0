"""The routing decision's inputs read from the database at one moment: the work a
conversation is, the desk's agents as decide.AgentState, the rules and channel weights.

A snapshot of the whole desk: a handful of queries whatever its size, plus each agent's
working hours (klient.people.working_time), read only for the agents the decision can
reach (the owner's chain, the pools)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count

from klient.conversations.models import Conversation
from klient.people.models import Absence, AgentProfile, Team
from klient.people.working_time import agent_calendar

from . import decide
from .models import ChannelWeight, RoundRobinCursor, RoutingRule

OPEN = (Conversation.Status.NEW, Conversation.Status.OPEN)


def weights() -> dict[str, float]:
    return {
        **decide.DEFAULT_WEIGHTS,
        **dict(ChannelWeight.objects.values_list("channel", "weight")),
    }


def rules() -> list[decide.Rule]:
    return [rule_of(row) for row in RoutingRule.objects.filter(active=True)]


def rule_of(row: RoutingRule) -> decide.Rule:
    return decide.Rule(
        id=row.pk,
        teams=frozenset(row.teams),
        channels=frozenset(row.channels),
        languages=frozenset(row.languages),
        organisations=frozenset(row.organisations),
        tiers=frozenset(row.tiers),
        tags=frozenset(row.tags),
        skills=frozenset(row.skills),
        pick_team=row.pick_team_id,
        pick_skill=row.pick_skill,
        pick_language=row.pick_language,
        strategy=row.strategy,
    )


def work_of(conversation: Conversation, *, channel: str | None = None) -> decide.Work:
    customer = conversation.customer
    organisation = customer.organisation
    return decide.Work(
        team=conversation.team_id,
        channel=channel or conversation.channel,
        language=conversation.language,
        owner=customer.personal_owner_id(),
        organisation=customer.organisation_id,
        tier=organisation.tier if organisation is not None else "",
        tags=frozenset(conversation.tags.values_list("name", flat=True)),
    )


def take(now: datetime, *, exclude_load_of: int | None = None) -> decide.Snapshot:
    """The desk at `now`. `exclude_load_of`: a conversation not to count in its assignee's
    load (the one being routed again)."""
    user_model = get_user_model()
    agents = list(
        user_model.objects.filter(is_active=True, agent__isnull=False).select_related("agent")
    )
    teams: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Team.members.through.objects.values_list("user_id", "team_id"):
        teams[user_id].add(team_id)
    away = {
        a.agent_id: a
        for a in Absence.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("-starts_at")
    }
    w = weights()
    load: dict[int, float] = defaultdict(float)
    open_work = Conversation.objects.filter(status__in=OPEN, assignee__isnull=False)
    if exclude_load_of is not None:
        open_work = open_work.exclude(pk=exclude_load_of)
    for assignee, channel, count in (
        open_work.values_list("assignee_id", "channel").annotate(n=Count("id")).order_by()
    ):
        load[assignee] += count * w.get(channel, 1.0)
    fresh_after = now - timedelta(seconds=settings.KLIENT_PRESENCE_TIMEOUT_SECONDS)
    states = {}
    for user in agents:
        profile: AgentProfile = user.agent
        absence = away.get(user.pk)
        states[user.pk] = decide.AgentState(
            id=user.pk,
            teams=frozenset(teams.get(user.pk, ())),
            status=profile.status,
            connected=profile.last_seen_at is not None and profile.last_seen_at >= fresh_after,
            in_hours=_works_at(user, now),
            active=True,
            absent=absence is not None,
            substitute_agent=absence.substitute_agent_id if absence else None,
            substitute_team=absence.substitute_team_id if absence else None,
            skills=frozenset(profile.skills or ()),
            languages=frozenset(profile.languages or ()),
            load=round(load.get(user.pk, 0.0), 6),
            capacity=profile.capacity,
        )
    cursors = dict(RoundRobinCursor.objects.values_list("pool", "agent_id"))
    return decide.Snapshot(states, weights=w, cursors=cursors)


def _works_at(user: Any, now: datetime) -> bool:
    # Absences are the snapshot's own (with their substitutes): hours only here.
    return agent_calendar(user, since=now + timedelta(days=3650)).works_at(now)
