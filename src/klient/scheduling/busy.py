"""The one place scheduling reads agents' busy times from their external calendars
(klient.external_calendars: CalDAV calendars and ICS feeds, synced in the background and
expanded on our side). The availability engine takes busy intervals as input, so its
tests pass them explicitly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from klient.external_calendars.queries import busy_between

Span = tuple[datetime, datetime]


def external_busy_between(
    agent_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Span]]:
    """Busy intervals (UTC) of each agent's external calendars overlapping [start, end)."""
    return busy_between(list(agent_ids), start, end)
