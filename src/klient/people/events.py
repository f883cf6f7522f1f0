"""One constructor per people Event kind added with absences (no conversation: they are
about an agent)."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event

ABSENCE_CREATED = "absence.created"
ABSENCE_DELETED = "absence.deleted"


def absence_data(absence: Any) -> dict[str, Any]:
    """What an absence event records: enough to read the absence back after a delete."""
    return {
        "absence": absence.pk,
        "agent": absence.agent_id,
        "starts_at": absence.starts_at.isoformat(),
        "ends_at": absence.ends_at.isoformat(),
        "reason": absence.reason,
        "substitute_agent": absence.substitute_agent_id,
        "substitute_team": absence.substitute_team_id,
    }


def absence_created(absence: Any, *, actor: Any) -> Event:
    return _absence_event(ABSENCE_CREATED, absence, actor)


def absence_deleted(absence: Any, *, actor: Any) -> Event:
    return _absence_event(ABSENCE_DELETED, absence, actor)


def _absence_event(kind: str, absence: Any, actor: Any) -> Event:
    return append(
        kind, actor=actor, actor_label="" if actor else "system", data=absence_data(absence)
    )
