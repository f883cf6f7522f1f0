"""`{% open_callbacks conversation as callbacks %}`: the callbacks still owed in a
conversation, soonest due first (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from klient.phone.callback_window import zone_or_default
from klient.phone.models import Call, Callback

register = template.Library()


@register.simple_tag
def open_callbacks(conversation: Any) -> list[Callback]:
    return list(
        Callback.objects.filter(conversation=conversation, state=Callback.State.DUE).order_by(
            "due_at", "pk"
        )
    )


@register.simple_tag
def call_choices(conversation: Any) -> dict[str, Any]:
    """What the "Log a call" form offers: directions, outcomes, the customer's number."""
    return {
        "directions": Call.Direction.choices,
        "outcomes": Call.Outcome.choices,
        "number": conversation.customer.reachable_at("phone"),
        # The zone a call-back window noted on the card is read in (phone.views).
        "time_zone": zone_or_default(conversation.customer.time_zone).key,
    }
