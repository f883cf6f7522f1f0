"""`{% transfer_pin conversation as pin %}`: the latest handover note, pinned above the
history; `{% transfer_choices conversation as choices %}`: the teams and agents a
conversation can be handed to (klient.conversations.transfers)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth import get_user_model

from klient.conversations.transfers import pinned_transfer
from klient.people.models import Team

register = template.Library()


@register.simple_tag
def transfer_pin(conversation: Any) -> dict[str, Any] | None:
    return pinned_transfer(conversation)


@register.simple_tag
def transfer_choices(conversation: Any) -> dict[str, Any]:
    teams = list(Team.objects.order_by("name"))
    agents = list(
        get_user_model()
        .objects.filter(is_active=True, teams__isnull=False)
        .exclude(pk=conversation.assignee_id or 0)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return {"teams": teams, "agents": agents}
