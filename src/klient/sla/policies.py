"""Choosing a conversation's policy and calendar (read-only helpers for the actions).

A policy matches when each of its rules is empty or equals the conversation's value; the
first active match in (position, id) order applies. A tag rule matches a conversation
that carries the tag (tag names are lower-case)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from klient.calendars.calendar import BusinessCalendar
from klient.calendars.models import WorkingHoursConfig
from klient.sla.clock import Targets
from klient.sla.models import SlaPolicy


@dataclass(frozen=True, slots=True)
class Subject:
    """What policy rules look at."""

    team_id: int
    channel: str
    priority: str
    organisation_id: int | None
    tags: frozenset[str] = frozenset()


def matches(policy: SlaPolicy, subject: Subject) -> bool:
    return (
        policy.active
        and (policy.team_id is None or policy.team_id == subject.team_id)
        and (not policy.channel or policy.channel == subject.channel)
        and (not policy.priority or policy.priority == subject.priority)
        and (policy.organisation_id is None or policy.organisation_id == subject.organisation_id)
        and (not policy.tag or policy.tag in subject.tags)
    )


def choose(policies: Sequence[SlaPolicy], subject: Subject) -> SlaPolicy | None:
    """The first matching policy; `policies` in (position, id) order."""
    return next((p for p in policies if matches(p, subject)), None)


def active_policies() -> list[SlaPolicy]:
    return list(SlaPolicy.objects.filter(active=True).order_by("position", "id"))


def _minutes(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(minutes=value)


def targets_of(policy: SlaPolicy | None) -> Targets | None:
    if policy is None:
        return None
    return Targets(
        first_reply=_minutes(policy.first_reply_minutes),
        next_reply=_minutes(policy.next_reply_minutes),
        periodic_update=_minutes(policy.periodic_update_minutes),
        resolution=_minutes(policy.resolution_minutes),
        warning_percent=policy.warning_percent,
    )


# Built calendars keep their per-day caches, so they are reused while their configuration
# is unchanged (keyed by team and the configuration's updated_at).
_CALENDARS: dict[tuple[int, datetime], BusinessCalendar | None] = {}
_MAX_CACHED = 1024


def calendars_for(team_ids: Iterable[int]) -> dict[int, BusinessCalendar | None]:
    """Each team's business calendar; None (calendar time) for a team without business
    hours or with an invalid configuration."""
    wanted = set(team_ids)
    found: dict[int, BusinessCalendar | None] = dict.fromkeys(wanted)
    for config in WorkingHoursConfig.objects.filter(team_id__in=wanted):
        assert config.team_id is not None
        key = (config.team_id, config.updated_at)
        if key not in _CALENDARS:
            if len(_CALENDARS) >= _MAX_CACHED:
                _CALENDARS.clear()
            try:
                _CALENDARS[key] = config.calendar()
            except (ValueError, TypeError):
                _CALENDARS[key] = None
        found[config.team_id] = _CALENDARS[key]
    return found
