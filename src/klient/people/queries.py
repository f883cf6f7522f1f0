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
