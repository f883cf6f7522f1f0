"""`{% conversation_appointments conversation as appointments %}`: the appointments of a
conversation, latest first, each with its time in the reading agent's zone and the
customer's earlier missed appointments as context ("2 earlier appointments missed: power
cut, power cut"), never as a penalty: it is shown to agents only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from klient.scheduling import care, queries
from klient.scheduling.models import Appointment
from klient.scheduling.views import local_label

register = template.Library()
SHOWN = 5


@dataclass(frozen=True)
class Shown:
    appointment: Appointment
    start: str  # ISO 8601 in the reader's zone
    label: str  # "Mon 29 Mar 2027, 09:00–10:00"
    earlier_missed: str


@register.simple_tag(takes_context=True)
def conversation_appointments(context: template.Context, conversation: Any) -> list[Shown]:
    rows = list(
        Appointment.objects.filter(conversation=conversation)
        .select_related("booking_type", "agent")
        .order_by("-start", "-pk")[:SHOWN]
    )
    if not rows:
        return []
    zone = queries.agent_zone(context["request"].user)
    earlier = care.earlier_missed_of(rows)
    return [
        Shown(
            a,
            a.start.astimezone(zone).isoformat(),
            local_label(a, zone),
            care.earlier_missed_words(earlier[a.pk]),
        )
        for a in rows
    ]
