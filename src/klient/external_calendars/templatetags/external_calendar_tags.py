"""`{% agent_external_calendars user as calendars %}`: the agent's external calendars for
their profile page, in the order they were added (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from klient.external_calendars.models import ExternalCalendar

register = template.Library()


@register.simple_tag
def agent_external_calendars(user: Any) -> list[ExternalCalendar]:
    return list(ExternalCalendar.objects.filter(agent_id=user.pk).order_by("pk"))
