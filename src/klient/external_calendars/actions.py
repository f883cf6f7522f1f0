"""The only writers of external calendars: add, remove, and store what a sync read."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klient.core import destinations
from klient.core.sealing import seal

from . import config, events
from .expansion import Busy
from .models import BusyInterval, ExternalCalendar


def check_url(url: str) -> destinations.Destination:
    """The calendar URL if Klient may read it; ValidationError (422) saying why not."""
    try:
        return destinations.check(url, allowed=config.allowed_hosts())
    except destinations.RefusedDestination as exc:
        raise ValidationError(_("This calendar URL is refused: %s.") % exc) from exc


def add_calendar(
    agent: Any, *, actor: Any, kind: str, url: str, username: str = "", password: str = ""
) -> ExternalCalendar:
    """Add a CalDAV calendar (URL of the calendar collection, optional user name and
    password, the password sealed) or an ICS feed (URL only) to the agent's calendars.
    It is read by the next sweep (or at once through `sync.sync_now`)."""
    if kind not in ExternalCalendar.Kind.values:
        raise ValidationError(_("A calendar is of kind caldav or ics."))
    url = url.strip()
    if len(url) > 2000:
        raise ValidationError(_("This calendar URL is too long."))
    check_url(url)
    if kind == ExternalCalendar.Kind.ICS and (username or password):
        raise ValidationError(
            _("An ICS feed takes only a URL; a user name and password are for CalDAV.")
        )
    if password and not username:
        raise ValidationError(_("A password needs a user name."))
    with transaction.atomic():
        calendar = ExternalCalendar.objects.create(
            agent=agent,
            kind=kind,
            url=url,
            username=username.strip(),
            sealed_password=seal(password) if password else "",
        )
        events.calendar_added(calendar, actor=actor)
    return calendar


def remove_calendar(calendar: ExternalCalendar, *, actor: Any) -> None:
    """Remove the calendar and the busy times read from it."""
    with transaction.atomic():
        events.calendar_removed(calendar, actor=actor)
        calendar.delete()


def _still_there(calendar: ExternalCalendar) -> bool:
    """Lock the calendar's row for the write; False if it was removed meanwhile."""
    return ExternalCalendar.objects.select_for_update().filter(pk=calendar.pk).exists()


def _digest(busy: list[Busy]) -> str:
    text = "\n".join(f"{b.start.isoformat()} {b.end.isoformat()}" for b in busy)
    return hashlib.sha256(text.encode()).hexdigest()


def store_busy(
    calendar: ExternalCalendar, busy: list[Busy] | None, *, now: datetime, source_digest: str = ""
) -> bool:
    """A good sync: replace the calendar's busy rows with these, in one transaction (a
    reader sees the old set or the new one, never half). `busy` None: the same source as
    last time, so the same busy times. Returns whether they changed (False too when the
    calendar was removed while it was being read)."""
    digest = calendar.busy_digest if busy is None else _digest(busy)
    recovered = bool(calendar.last_error)
    changed = digest != calendar.busy_digest
    with transaction.atomic():
        if not _still_there(calendar):
            return False
        if changed and busy is not None:
            BusyInterval.objects.filter(calendar=calendar).delete()
            BusyInterval.objects.bulk_create(
                BusyInterval(calendar=calendar, starts_at=b.start, ends_at=b.end, uid=b.uid[:255])
                for b in busy
            )
        ExternalCalendar.objects.filter(pk=calendar.pk).update(
            last_attempted_at=now,
            last_synced_at=now,
            last_error="",
            busy_digest=digest,
            source_digest=source_digest,
        )
        if changed or recovered:
            count = len(busy) if busy is not None else calendar.busy.count()
            events.calendar_synced(calendar, busy=count, recovered=recovered)
    calendar.last_attempted_at = calendar.last_synced_at = now
    calendar.last_error, calendar.busy_digest = "", digest
    calendar.source_digest = source_digest
    return changed


def record_failure(calendar: ExternalCalendar, error: str, *, now: datetime) -> None:
    """A failed sync: keep the busy times of the last good one, say why in last_error
    (an event only when the error is new)."""
    error = error[:2000]
    with transaction.atomic():
        if not _still_there(calendar):
            return
        ExternalCalendar.objects.filter(pk=calendar.pk).update(
            last_attempted_at=now, last_error=error
        )
        if error != calendar.last_error:
            events.calendar_failed(calendar, error=error)
    calendar.last_attempted_at, calendar.last_error = now, error
