"""Who may see and change an agent's external calendars: the agent themself and
administrators. Anyone else gets 404 (the calendars hold private URLs: their existence
does not leak, not even to a team lead)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404

from klient.people.access import is_admin

from .models import ExternalCalendar


def access_agent(user: Any, agent_id: int) -> Any:
    """The agent whose calendars `user` may manage, or Http404."""
    if user.pk != agent_id and not is_admin(user):
        raise Http404("No such agent.")
    agent = get_user_model().objects.filter(pk=agent_id, agent__isnull=False).first()
    if agent is None:
        raise Http404("No such agent.")
    return agent


def access_calendar(user: Any, agent_id: int, calendar_id: int) -> ExternalCalendar:
    agent = access_agent(user, agent_id)
    calendar = (
        ExternalCalendar.objects.select_related("agent__agent")
        .filter(pk=calendar_id, agent=agent)
        .first()
    )
    if calendar is None:
        raise Http404("No such calendar.")
    return calendar
