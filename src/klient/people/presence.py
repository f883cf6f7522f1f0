"""An agent's status and presence: the status they choose (online, away, offline) and the
last heartbeat of their live workspace. "Online" counts for real-time work only while a
heartbeat is fresher than KLIENT_PRESENCE_TIMEOUT_SECONDS (klient.routing.snapshot)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core import wiring
from klient.core.events import append

from .events import Kind
from .models import AgentProfile

STATUSES = ("online", "away", "offline")


def is_connected(profile: AgentProfile, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    timeout = timedelta(seconds=settings.KLIENT_PRESENCE_TIMEOUT_SECONDS)
    return profile.last_seen_at is not None and profile.last_seen_at >= now - timeout


def set_status(agent: Any, status: str, *, actor: Any) -> AgentProfile:
    """The agent's chosen status; an event when it changes (routing drains its queue
    when someone comes online)."""
    if status not in STATUSES:
        raise ValidationError(
            _("Unknown status %(status)s; use online, away or offline.") % {"status": status[:20]}
        )
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(user=agent)
        if profile.status != status:
            event = append(
                Kind.AGENT_STATUS_CHANGED,
                actor=actor,
                actor_label="" if actor else "system",
                data={"agent": agent.pk, "from": profile.status, "to": status},
            )
            profile.status = status
            profile.save(update_fields=["status"])
            wiring.publish_on_commit(event)
    return profile


def heartbeat(agent: Any, *, now: datetime | None = None) -> bool:
    """The agent's workspace is connected now. True when they were not connected before
    (they came back: routing may have work waiting for them)."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(user=agent)
        came_back = not is_connected(profile, now)
        profile.last_seen_at = now
        profile.save(update_fields=["last_seen_at"])
        if came_back and profile.status == "online":
            wiring.publish_on_commit(
                append(
                    Kind.AGENT_STATUS_CHANGED,
                    actor=agent,
                    data={"agent": agent.pk, "from": "disconnected", "to": "online"},
                )
            )
    return came_back
