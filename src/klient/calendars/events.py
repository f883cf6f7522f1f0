"""One constructor per calendars Event kind (no conversation: calendars belong to a team
or an agent)."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event

WORKING_HOURS_SAVED = "calendars.working_hours_saved"
# What the kind was called while team business hours lived in the SLA (still readable).
LEGACY_WORKING_HOURS_KINDS = ("sla.business_hours_saved", "sla.business_hours_changed")


def working_hours_saved(
    *, actor: Any, team: int | None, agent: int | None, time_zone: str, country: str
) -> Event:
    """A team's or an agent's working hours were set (data names exactly one of them)."""
    owner = {"team": team} if team is not None else {"agent": agent}
    return append(
        WORKING_HOURS_SAVED,
        actor=actor,
        actor_label="" if actor else "system",
        data={**owner, "time_zone": time_zone, "country": country},
    )
