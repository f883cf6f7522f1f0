"""The ONE place scheduling reads agents' busy times from external calendars.

`klient.external_calendars` (CalDAV and ICS sync, built in parallel) offers
`klient.external_calendars.queries.busy_between(agent_ids, start, end)`
-> {agent_id: [(start, end), ...]} in aware UTC. It is wired here when that app lands on
main (the merger replaces the body below with that call); until then no agent has
external busy times. The availability engine takes busy intervals as input, so tests pass
them explicitly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

Span = tuple[datetime, datetime]


def external_busy_between(
    agent_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Span]]:
    """Busy intervals (UTC) of each agent's external calendars overlapping [start, end).
    Wired to klient.external_calendars.queries.busy_between when that app lands."""
    return {}
