"""`{% conversation_promises conversation as promises %}`: the promises still to confirm
or keep in a conversation, soonest due first (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from klient.promises.models import Promise

register = template.Library()


@register.simple_tag
def conversation_promises(conversation: Any) -> list[Promise]:
    return list(
        Promise.objects.filter(
            conversation=conversation, state__in=[Promise.State.OFFERED, Promise.State.OPEN]
        ).order_by("due_at", "pk")
    )
