"""One constructor per calendars Event kind (no conversation: calendars belong to a team
or an agent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event


class Kind(EventKind):
    WORKING_HOURS_SAVED = "calendars.working_hours_saved", _("Working hours saved")


def working_hours_saved(
    *, actor: Any, team: int | None, agent: int | None, time_zone: str, country: str
) -> Event:
    """A team's or an agent's working hours were set (data names exactly one of them)."""
    owner = {"team": team} if team is not None else {"agent": agent}
    return append(
        Kind.WORKING_HOURS_SAVED,
        actor=actor,
        actor_label="" if actor else "system",
        data={**owner, "time_zone": time_zone, "country": country},
    )
