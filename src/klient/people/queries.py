"""Reads of people that pages show on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist

from .models import AgentProfile, Endpoint, Team


def agent_profile(user: Any) -> AgentProfile | None:
    """A signed-in agent's profile; None for anyone else (anonymous, no AgentProfile).
    Reads `user.agent`, which Django caches on the user: once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.agent
    except ObjectDoesNotExist:  # no AgentProfile: not an agent
        return None


def agent_names(*, excluding: int | None = None) -> list[tuple[int, str]]:
    """Every active agent as (id, name), by name; the name as `get_full_name() or
    username` would give it. Values, not user objects: pages list all agents on every
    request, and building the objects cost more than the query."""
    agents = get_user_model().objects.filter(is_active=True, agent__isnull=False)
    if excluding is not None:
        agents = agents.exclude(pk=excluding)
    return [
        (pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in agents.order_by(
            "first_name", "last_name", "username"
        ).values_list("pk", "first_name", "last_name", "username")
    ]


def team_email_addresses() -> dict[str, int]:
    """Every address mail reaches a team at (lower case) -> team id: its email endpoints
    and its inbound address (the primary one, which may have been changed in place)."""
    addresses = {
        address.lower(): pk for pk, address in Team.objects.values_list("pk", "inbound_address")
    }
    addresses.update(
        Endpoint.objects.filter(kind=Endpoint.Kind.EMAIL).values_list("value", "team_id")
    )
    return addresses


def team_for_email(address: str) -> int | None:
    """The id of the team receiving mail at this exact (lower-case) address, or None."""
    address = address.strip().lower()
    team_id = (
        Endpoint.objects.filter(kind=Endpoint.Kind.EMAIL, value=address)
        .values_list("team_id", flat=True)
        .first()
    )
    if team_id is None:
        team_id = (
            Team.objects.filter(inbound_address__iexact=address)
            .values_list("pk", flat=True)
            .first()
        )
    return team_id


def team_by_ref(ref: int | str) -> Team | None:
    """The team a caller names by id or by name (case-insensitive), or None. A text of
    digits is an id first, then a name: a team named "42" stays reachable by its name only
    when no team has the id 42."""
    text = str(ref).strip()
    if not text:
        return None
    if text.isdigit():
        team = Team.objects.filter(pk=int(text)).first()
        if team is not None:
            return team
    return Team.objects.filter(name__iexact=text).first()


def teams_by_ref(refs: list[int | str]) -> tuple[list[Team], list[str]]:
    """The teams named (by id or name), in the order given and each once, and the
    references that name no team."""
    found: list[Team] = []
    unknown: list[str] = []
    for ref in refs:
        team = team_by_ref(ref)
        if team is None:
            unknown.append(str(ref))
        elif team not in found:
            found.append(team)
    return found, unknown


def agents_by_id(ids: list[int]) -> tuple[list[Any], list[int]]:
    """The agents (users with a profile) of these ids, in the order given and each once,
    and the ids that are no agent's."""
    rows = get_user_model().objects.filter(pk__in=ids, agent__isnull=False).in_bulk()
    found: list[Any] = []
    for pk in dict.fromkeys(ids):
        if pk in rows:
            found.append(rows[pk])
    return found, [pk for pk in dict.fromkeys(ids) if pk not in rows]
