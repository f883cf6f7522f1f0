"""The routing decision's inputs read from the database at one moment: the work a
conversation is, the desk's agents as decide.AgentState, the rules and channel weights.

A snapshot of the whole desk: a handful of queries whatever its size. Working hours follow
klient.people.working_time's rule (the agent's own, else the first team they joined that
has hours, else always), read in one query for every agent and each configuration turned
into a calendar once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count

from klient.calendars.absences import AgentCalendar
from klient.calendars.models import WorkingHoursConfig
from klient.conversations.models import Conversation
from klient.people.models import Absence, AgentProfile, Team

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


def work_of(
    conversation: Conversation,
    *,
    channel: str | None = None,
    passed_over: frozenset[int] = frozenset(),
    owner: int | None = None,
) -> decide.Work:
    customer = conversation.customer
    organisation = customer.organisation
    return decide.Work(
        team=conversation.team_id,
        channel=channel or conversation.channel,
        language=conversation.language,
        owner=owner if owner is not None else customer.personal_owner_id(),
        organisation=customer.organisation_id,
        tier=organisation.tier if organisation is not None else "",
        tags=frozenset(conversation.tags.values_list("name", flat=True)),
        passed_over=passed_over,
    )


def take(now: datetime, *, exclude_load_of: int | None = None) -> decide.Snapshot:
    """The desk at `now`. `exclude_load_of`: a conversation not to count in its assignee's
    load (the one being routed again)."""
    user_model = get_user_model()
    agents = list(
        user_model.objects.filter(is_active=True, agent__isnull=False).select_related("agent")
    )
    teams: dict[int, set[int]] = defaultdict(set)
    joined: dict[int, list[int]] = defaultdict(list)  # in the order they joined
    for user_id, team_id in Team.members.through.objects.order_by("id").values_list(
        "user_id", "team_id"
    ):
        teams[user_id].add(team_id)
        joined[user_id].append(team_id)
    works_now = _working_now(now, joined)
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
            in_hours=works_now(user.pk),
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


def _working_now(now: datetime, joined: dict[int, list[int]]) -> Callable[[int], bool]:
    """agent id -> inside their working hours at `now` (absences aside: the snapshot
    has its own, with their substitutes)."""
    own: dict[int, WorkingHoursConfig] = {}
    of_team: dict[int, WorkingHoursConfig] = {}
    for config in WorkingHoursConfig.objects.all():
        if config.agent_id is not None:
            own[config.agent_id] = config
        elif config.team_id is not None:
            of_team[config.team_id] = config
    open_now: dict[int, bool] = {}

    def is_open(config: WorkingHoursConfig) -> bool:
        if config.pk not in open_now:
            try:
                hours = config.calendar()
            except (ValueError, TypeError):  # as the SLA does: a broken one is no hours
                hours = None
            open_now[config.pk] = AgentCalendar(hours).works_at(now)
        return open_now[config.pk]

    def works(agent_id: int) -> bool:
        config = own.get(agent_id) or next(
            (of_team[t] for t in joined.get(agent_id, ()) if t in of_team), None
        )
        return True if config is None else is_open(config)

    return works
