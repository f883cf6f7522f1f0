"""The sla Event kinds, and one constructor per kind of the clock. Those build unsaved rows
with an explicit time (the clock's `now`), so the scheduler can insert a batch at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind
from klient.core.models import Event
from klient.sla.clock import Alert


class Kind(EventKind):
    # The clock's, on a conversation.
    STARTED = "sla.started", _("SLA clock started")
    PAUSED = "sla.paused", _("SLA clock paused")
    RESUMED = "sla.resumed", _("SLA clock resumed")
    STOPPED = "sla.stopped", _("SLA clock stopped")
    FIRST_REPLY = "sla.first_reply", _("First reply recorded")
    WARNING = "sla.warning", _("SLA deadline approaching")
    BREACHED = "sla.breached", _("SLA deadline missed")
    ESCALATED = "sla.escalated", _("Escalation step taken")
    # A conversation moved to another policy (its clock follows the new one). Until 2026-12
    # it shared the name "sla.policy_changed" with an administrator's edit (sla.policy_saved).
    CONVERSATION_POLICY_CHANGED = "sla.conversation_policy_changed", _("SLA policy changed")
    # SLA administration.
    POLICY_SAVED = "sla.policy_saved", _("SLA policy saved")
    POLICY_DELETED = "sla.policy_deleted", _("SLA policy deleted")
    POLICIES_REORDERED = "sla.policies_reordered", _("SLA policies reordered")


ALERT_KINDS = {"warning": Kind.WARNING, "breach": Kind.BREACHED}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _event(kind: Kind, conversation_id: int, at: datetime, data: dict[str, Any]) -> Event:
    return Event(
        conversation_id=conversation_id, actor_label="sla", kind=kind.value, data=data, at=at
    )


def started(
    conversation_id: int,
    at: datetime,
    *,
    policy: int | None,
    started_at: datetime,
    due: dict[str, datetime | None],
) -> Event:
    return _event(
        Kind.STARTED,
        conversation_id,
        at,
        {
            "policy": policy,
            "started_at": _iso(started_at),
            "due": {k: _iso(v) for k, v in due.items()},
        },
    )


def conversation_policy_changed(
    conversation_id: int, at: datetime, *, old: int | None, new: int | None
) -> Event:
    return _event(Kind.CONVERSATION_POLICY_CHANGED, conversation_id, at, {"from": old, "to": new})


def paused(conversation_id: int, at: datetime, *, status: str) -> Event:
    return _event(Kind.PAUSED, conversation_id, at, {"status": status})


def stopped(conversation_id: int, at: datetime, *, status: str) -> Event:
    return _event(Kind.STOPPED, conversation_id, at, {"status": status})


def resumed(conversation_id: int, at: datetime, *, status: str) -> Event:
    return _event(Kind.RESUMED, conversation_id, at, {"status": status})


def first_reply(
    conversation_id: int, at: datetime, *, replied_at: datetime, due_at: datetime | None
) -> Event:
    on_time = None if due_at is None else replied_at <= due_at
    return _event(
        Kind.FIRST_REPLY,
        conversation_id,
        at,
        {"replied_at": _iso(replied_at), "due_at": _iso(due_at), "on_time": on_time},
    )


def alert(conversation_id: int, at: datetime, item: Alert, *, policy: int | None) -> Event:
    """sla.warning or sla.breached, once per target cycle (data.key)."""
    return _event(
        ALERT_KINDS[item.kind],
        conversation_id,
        at,
        {
            "key": item.key,
            "target": item.target,
            "started_at": _iso(item.started_at),
            "moment": _iso(item.at),
            "due_at": _iso(item.due_at),
            "policy": policy,
        },
    )


def escalated(
    conversation_id: int,
    at: datetime,
    *,
    step: int,
    action: str,
    target: str,
    trigger: str,
    cycle_started_at: datetime,
    outcome: dict[str, Any],
) -> Event:
    """sla.escalated: one escalation step done, once per step and target cycle."""
    return _event(
        Kind.ESCALATED,
        conversation_id,
        at,
        {
            "step": step,
            "action": action,
            "target": target,
            "trigger": trigger,
            "cycle_started_at": _iso(cycle_started_at),
            **outcome,
        },
    )
