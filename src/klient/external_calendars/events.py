"""The external calendars' Event kinds, and one constructor per kind.

No event carries the URL (an ICS feed's URL is often its only secret) or the password.
`synced` is written only when a sync changed the busy times or ended a run of failures,
and `failed` only when the error differs from the previous one: a calendar read every
five minutes must not flood the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import ExternalCalendar


class Kind(EventKind):
    CALENDAR_ADDED = "external_calendar.added", _("External calendar added")
    CALENDAR_REMOVED = "external_calendar.removed", _("External calendar removed")
    CALENDAR_SYNCED = "external_calendar.synced", _("External calendar synced")
    CALENDAR_FAILED = "external_calendar.failed", _("External calendar sync failed")


def _data(calendar: ExternalCalendar, **more: Any) -> dict[str, Any]:
    return {"calendar": calendar.pk, "agent": calendar.agent_id, "kind": calendar.kind, **more}


def calendar_added(calendar: ExternalCalendar, *, actor: Any) -> Event:
    return append(Kind.CALENDAR_ADDED, actor=actor, data=_data(calendar))


def calendar_removed(calendar: ExternalCalendar, *, actor: Any) -> Event:
    return append(Kind.CALENDAR_REMOVED, actor=actor, data=_data(calendar))


def calendar_synced(calendar: ExternalCalendar, *, busy: int, recovered: bool) -> Event:
    return append(
        Kind.CALENDAR_SYNCED,
        actor_label="system",
        data=_data(calendar, busy=busy, recovered=recovered),
    )


def calendar_failed(calendar: ExternalCalendar, *, error: str) -> Event:
    return append(
        Kind.CALENDAR_FAILED, actor_label="system", data=_data(calendar, error=error[:500])
    )
