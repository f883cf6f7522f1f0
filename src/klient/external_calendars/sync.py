"""Reading an external calendar: fetch its events over a guarded connection, expand them
on our side (`expansion`), and store the busy times (`actions.store_busy`), or record why
it failed (`actions.record_failure`, keeping the previous busy times).

CalDAV through the `caldav` library: a calendar-query REPORT with a time range and no
server-side expansion; the objects it returns are expanded here, so every server gives
the same answer. An ICS feed: one GET. Both connect through
`core.destinations.pinned_session`: the URL is checked again at every fetch, the
connection goes only to the addresses checked, redirects are refused.

A sync is durable work (`SYNC_WORK`): a calendar is due KLIENT_CALENDAR_SYNC_MINUTES after
its last attempt (failed ones too, so a broken server is not hammered), held under a lease
while it is read so two workers never read it at once, and the sweep
`sync_due_calendars` (core.wiring.SWEEPS) takes the due ones."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Q
from django.utils import timezone

from klient.core import destinations, work
from klient.core.sealing import UnsealError

from . import actions, config
from .expansion import Busy, CalendarTextError, busy_times
from .models import ExternalCalendar

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
MAX_FEED_BYTES = 20 * 1024 * 1024  # an ICS feed larger than this is refused, not truncated


class SyncError(Exception):
    """Why a calendar could not be read, in words for its agent."""


def _zone(calendar: ExternalCalendar) -> ZoneInfo:
    name = getattr(getattr(calendar.agent, "agent", None), "time_zone", "") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _fetch_ics(destination: destinations.Destination) -> list[bytes]:
    session = destinations.pinned_session(destination, timeout=TIMEOUT_SECONDS)
    try:
        response = session.get(destination.url, allow_redirects=False, stream=True)
        if 300 <= response.status_code < 400:
            raise SyncError(
                f"the feed answered with a redirect ({response.status_code}); "
                "redirects are not followed: give the final URL"
            )
        if response.status_code != 200:
            raise SyncError(f"the feed answered HTTP {response.status_code}")
        body = bytearray()
        for chunk in response.iter_content(64 * 1024):
            body.extend(chunk)
            if len(body) > MAX_FEED_BYTES:
                raise SyncError(f"the feed is larger than {MAX_FEED_BYTES // 1024 // 1024} MB")
        return [bytes(body)]
    finally:
        session.close()


def _fetch_caldav(
    calendar: ExternalCalendar,
    destination: destinations.Destination,
    start: datetime,
    end: datetime,
) -> list[str]:
    from caldav.davclient import DAVClient

    password = calendar.password()
    client = DAVClient(
        url=destination.url,
        username=calendar.username or None,
        password=password or None,
        timeout=TIMEOUT_SECONDS,
        enable_rfc6764=False,  # no DNS SRV or well-known discovery: the URL is the calendar
    )
    # Every request goes through the pinned session (its connection to checked addresses).
    client.session.close()
    client.session = destinations.pinned_session(destination, timeout=TIMEOUT_SECONDS)
    try:
        remote = client.calendar(url=destination.url)
        objects = remote.search(
            event=True, start=start, end=end, expand=False, server_expand=False, post_filter=False
        )
        return [str(obj.data) for obj in objects]
    finally:
        client.session.close()


def fetch(calendar: ExternalCalendar, start: datetime, end: datetime) -> list[str] | list[bytes]:
    """The calendar's texts for [start, end); SyncError saying why not."""
    try:
        destination = destinations.check(calendar.url, allowed=config.allowed_hosts())
    except destinations.RefusedDestination as exc:
        raise SyncError(f"the URL is refused: {exc}") from exc
    try:
        if calendar.kind == ExternalCalendar.Kind.CALDAV:
            texts: list[str] | list[bytes] = _fetch_caldav(calendar, destination, start, end)
        else:
            texts = _fetch_ics(destination)
        return texts
    except SyncError:
        raise
    except UnsealError as exc:
        raise SyncError("the password cannot be read: enter it again") from exc
    except Exception as exc:
        # Network, HTTP, TLS and WebDAV errors of two libraries with no common base; the
        # message is the agent's clue (wrong password, server down, not a calendar).
        logger.info("external calendar %s: fetch failed", calendar.pk, exc_info=True)
        raise SyncError(work.describe(exc)) from exc


def _scrub(text: str, calendar: ExternalCalendar) -> str:
    """The error without the password, should a library ever quote it."""
    try:
        password = calendar.password()
    except UnsealError:
        return text
    return text.replace(password, "********") if password else text


def sync_calendar(calendar: ExternalCalendar) -> str:
    """Read the calendar once and store the outcome; returns the error ("" if none).
    The caller holds its lease."""
    now = timezone.now()
    start, end = config.window(now)
    zone = _zone(calendar)
    try:
        texts = fetch(calendar, start, end)
        source = _source_digest(texts, start, zone)
        busy: list[Busy] | None = None
        if source != calendar.source_digest or calendar.last_error:
            try:
                busy = busy_times(texts, start, end, zone)
            except CalendarTextError as exc:
                raise SyncError(f"the calendar is not valid iCalendar: {exc}") from exc
    except SyncError as exc:
        error = _scrub(str(exc), calendar)
        actions.record_failure(calendar, error, now=now)
        logger.warning("external calendar %s: %s", calendar.pk, error)
        return error
    actions.store_busy(calendar, busy, now=now, source_digest=source)
    return ""


def _source_digest(texts: list[str] | list[bytes], start: datetime, zone: ZoneInfo) -> str:
    digest = hashlib.sha256(f"{start.isoformat()} {zone.key}".encode())
    # Sorted: a server may list the same objects in another order.
    for text in sorted(t.encode() if isinstance(t, str) else t for t in texts):
        digest.update(b"\0" + text)
    return digest.hexdigest()


# A sync as durable work: due by last_attempted_at (the sweep's query), held under a
# renewed lease while it runs; never given up (the next interval tries again).
SYNC_WORK = work.WorkKind(
    ExternalCalendar,
    policy=work.RetryPolicy(
        first_retry=config.KEEP_BEFORE, longest=config.KEEP_BEFORE, max_attempts=2**31
    ),
    ready=None,
    attempts_field=None,
    due_field=None,
    error_field=None,
    order_by=("last_attempted_at", "pk"),
)


def _due(now: datetime) -> Q:
    return Q(last_attempted_at__isnull=True) | Q(last_attempted_at__lte=now - config.sync_every())


def sync_now(calendar: ExternalCalendar) -> bool:
    """Read the calendar now (the sync endpoint), unless a worker is reading it at this
    moment (False: it is left to that worker)."""
    held = work.claim_one(SYNC_WORK, calendar.pk)
    if held is None:
        return False
    with work.holding(held):
        try:
            sync_calendar(calendar)
        finally:
            work.complete(held, calendar.pk)
    return True


def sync_due_calendars() -> int:
    """Sweep: read each calendar not attempted for KLIENT_CALENDAR_SYNC_MINUTES and not
    held by another worker. Returns how many were read."""
    now = timezone.now()
    due = _due(now)
    done = 0
    for pk in work.due(SYNC_WORK, among=due, now=now):
        held = work.claim_one(SYNC_WORK, pk, among=due, now=now)
        if held is None:
            continue  # another worker is reading it
        with work.holding(held):
            try:
                calendar = ExternalCalendar.objects.select_related("agent__agent").get(pk=pk)
                sync_calendar(calendar)
            except BaseException:
                # A bug, not a server's failure (those are recorded): wait an interval.
                work.complete(held, pk, last_attempted_at=timezone.now())
                raise
            work.complete(held, pk)
        done += 1
    return done
