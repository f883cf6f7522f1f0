"""What scheduling reads: the agents' busy times from their external calendars."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .expansion import merge
from .models import BusyInterval


def busy_between(
    agent_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    """For each agent, the busy intervals of all their external calendars that overlap
    [start, end) (aware datetimes): merged, sorted, in UTC, and cut at the window's
    edges (so two busy times that touch outside the window cannot give a different
    answer from one that spans it). Every agent asked for is a key (an empty list when
    free or without calendars).
    Known only inside the synced window (config.KEEP_BEFORE/KEEP_AFTER around the last
    sync) and as fresh as the last good sync."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("busy_between needs aware datetimes")
    ids = list(dict.fromkeys(agent_ids))
    found: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in ids}
    if not ids or start >= end:
        return found
    # One round trip (the slots endpoint makes several): the busy rows with their
    # calendar's agent, each calendar's rows found by the (calendar, starts_at) index.
    rows = BusyInterval.objects.filter(
        calendar__agent_id__in=ids, starts_at__lt=end, ends_at__gt=start
    ).values_list("calendar__agent_id", "starts_at", "ends_at")
    for agent_id, starts_at, ends_at in rows:
        found[agent_id].append((starts_at, ends_at))
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return {
        pk: merge((max(s, start), min(e, end)) for s, e in intervals)
        for pk, intervals in found.items()
    }
