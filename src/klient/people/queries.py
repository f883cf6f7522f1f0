"""Reads of people that pages show on every request."""

from __future__ import annotations

from django.contrib.auth import get_user_model


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
