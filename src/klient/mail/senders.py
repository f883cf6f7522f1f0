"""Whom Klient's emails say they are from (the display name of From and Reply-To).

Never the bare word "Klient": it is the product's name, and in Polish it means
"customer". The rules, one function each:

- an agent's reply: "Agent name — Team name" (the team's name alone for an agent without
  a name);
- a team's automatic email (acknowledgement, request-form confirmation): the team's name;
- an email of no team (a portal sign-in link, an agent's notification):
  KLIENT_ORGANISATION_NAME; when it is empty, the team of the customer's latest
  conversation for a customer's email, else DEFAULT_ORGANISATION_NAME."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from klient.conversations.models import Conversation
from klient.people.models import Team

# The product's full name: not a word a customer could read as a person or a role.
DEFAULT_ORGANISATION_NAME = "Klient Desk"
SEPARATOR = " — "  # an em dash between spaces


def organisation_name() -> str:
    """KLIENT_ORGANISATION_NAME, else DEFAULT_ORGANISATION_NAME."""
    return settings.KLIENT_ORGANISATION_NAME.strip() or DEFAULT_ORGANISATION_NAME


def team_sender_name(team: Team) -> str:
    return team.name


def agent_sender_name(agent: Any, team: Team) -> str:
    """ "Anna Kowalska — Support"; the team's name when the agent has no name."""
    name = " ".join((agent.get_full_name() or "").split()) if agent is not None else ""
    return f"{name}{SEPARATOR}{team.name}" if name else team.name


def customer_sender_name(customer_id: int | None) -> str:
    """For a customer's email that belongs to no team (a sign-in link): the organisation,
    else the team the customer last wrote to, else the default."""
    configured = settings.KLIENT_ORGANISATION_NAME.strip()
    if configured:
        return configured
    team_name = (
        Conversation.objects.filter(customer_id=customer_id)
        .order_by("-updated_at", "-id")
        .values_list("team__name", flat=True)
        .first()
        if customer_id is not None
        else None
    )
    return team_name or DEFAULT_ORGANISATION_NAME
