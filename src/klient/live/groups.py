"""Channel-layer group names. A socket joins the groups of what its user may see (the
scope of klient.conversations.access): one per team it belongs to, its own, and the
administrators' group; a conversation page's socket also joins that conversation's
presence group. Group names allow only ASCII letters, digits, '-', '_' and '.'."""

from __future__ import annotations

from typing import Any

ADMINS = "live.admins"


def team(team_id: int) -> str:
    return f"live.team.{team_id}"


def user(user_id: int) -> str:
    return f"live.user.{user_id}"


def conversation(conversation_id: int) -> str:
    return f"live.conversation.{conversation_id}"


def for_user(agent: Any) -> list[str]:
    """The groups whose change notices `agent` may receive (runs a query: call it from
    sync code)."""
    from klient.conversations.access import is_admin
    from klient.people.models import Team

    names = [user(agent.pk)]
    if is_admin(agent):
        names.append(ADMINS)
    team_ids = Team.members.through.objects.filter(user_id=agent.pk).values_list(
        "team_id", flat=True
    )
    names.extend(team(team_id) for team_id in sorted(team_ids))
    return names
