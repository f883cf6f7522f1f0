"""Reads: which booking types an agent sees, and a booking type's free slots (the inputs
gathered from the database and external calendars, the rules applied by the pure
`availability` module)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.calendars.absences import AgentCalendar
from klient.calendars.calendar import BusinessCalendar
from klient.people.access import is_admin
from klient.people.working_time import agent_calendar, agent_calendars

from . import availability, busy
from .models import Appointment, BookingType

Span = tuple[datetime, datetime]
# Appointments and busy times this far outside the window can still matter: buffers (at
# most a day each) reach into it, and the agent's local days (offsets within +-14 hours)
# overhang the window's UTC edges for the per-day limit.
MARGIN = timedelta(days=2)
# No appointment is longer than a booking type may last (actions.NUMBERS): a bound from
# below on `start` lets the (agent, start) index skip the agent's whole past.
LONGEST = timedelta(hours=12)
LONGEST_BUFFER = timedelta(days=1)  # buffers are at most 1440 minutes (actions.NUMBERS)
# A local day (25 hours on a DST day) around any instant, in any zone (offsets -12..+14).
LOCAL_DAY = timedelta(hours=26)
MAX_WINDOW_DAYS = 92


@lru_cache(maxsize=512)
def _shared(hours: BusinessCalendar) -> BusinessCalendar:
    """One instance per distinct calendar (they compare by value), so the per-day UTC
    intervals it caches serve every request, not only the one that built it."""
    return hours


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_names() -> list[str]:
    """Every IANA zone name a visitor may choose, sorted."""
    return sorted(_zone_names())


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called `name` ("Area/City", or "UTC"), None for anything else."""
    return ZoneInfo(name) if name in _zone_names() else None


def visible_booking_types(user: Any) -> QuerySet[BookingType]:
    """Live booking types the user sees: an administrator all, an agent their own and their
    teams' (a team's type they may read but not change)."""
    live = BookingType.objects.filter(deleted_at__isnull=True).select_related("agent", "team")
    if not is_admin(user):
        live = live.filter(Q(agent=user) | Q(team__members=user)).distinct()
    return live.order_by("name", "pk")


def visible_booking_type(user: Any, booking_type_id: int) -> BookingType:
    """One booking type in the user's sight; Http404 otherwise (it may not exist)."""
    found = visible_booking_types(user).filter(pk=booking_type_id).first()
    if found is None:
        raise Http404(_("No such booking type."))
    return found


def bookable(slug: str) -> BookingType:
    """The live booking type with this slug, for the public; Http404 otherwise."""
    found = (
        BookingType.objects.filter(slug=slug, deleted_at__isnull=True)
        .select_related("team")
        .first()
    )
    if found is None:
        raise Http404(_("No such booking type."))
    return found


def members(booking_type: BookingType) -> list[Any]:
    """The agents who can take its appointments: its agent, or the team's active agents."""
    users = get_user_model().objects.filter(is_active=True, agent__isnull=False)
    if booking_type.agent_id is not None:
        return list(users.filter(pk=booking_type.agent_id).select_related("agent"))
    return list(users.filter(teams=booking_type.team_id).select_related("agent").order_by("pk"))


def rules_of(booking_type: BookingType) -> availability.Rules:
    return availability.Rules(
        duration=timedelta(minutes=booking_type.duration_minutes),
        step=timedelta(minutes=booking_type.step_minutes),
        buffer_before=timedelta(minutes=booking_type.buffer_before_minutes),
        buffer_after=timedelta(minutes=booking_type.buffer_after_minutes),
        minimum_notice=timedelta(minutes=booking_type.minimum_notice_minutes),
        horizon=timedelta(days=booking_type.horizon_days),
        max_per_day=booking_type.max_per_day,
    )


def _working(
    agent: Any, calendar: AgentCalendar, start: datetime, end: datetime
) -> tuple[ZoneInfo, list[Span]]:
    """The agent's zone (their working hours', else their profile's, else UTC) and their
    working intervals around [start, end), each local day expanded in that zone."""
    if calendar.hours is not None:
        calendar = AgentCalendar(_shared(calendar.hours), calendar.absences)
    zone_name = calendar.hours.time_zone if calendar.hours is not None else ""
    zone = zone_named(zone_name or getattr(agent.agent, "time_zone", "") or "UTC")
    zone = zone or ZoneInfo("UTC")
    first: date = (start - MARGIN).astimezone(zone).date()
    last: date = (end + MARGIN).astimezone(zone).date()
    intervals: list[Span] = []
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        intervals.extend(calendar.open_intervals(date.fromordinal(ordinal)))
    return zone, intervals


def slots_by_agent(
    booking_type: BookingType,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
    busy_times: dict[int, list[Span]] | None = None,
    agents: Sequence[Any] | None = None,
) -> dict[int, list[Span]]:
    """Each member's free slots starting in [start, end) (UTC). `busy_times` replaces the
    external calendars' busy times (benchmarks and tests pass them directly)."""
    now = now or timezone.now()
    people = list(agents) if agents is not None else members(booking_type)
    ids = [agent.pk for agent in people]
    rules = rules_of(booking_type)
    # Only what can touch a slot starting in [start, end) is read: what overlaps its
    # buffered span, from `start - buffer_before` to `end + duration + buffer_after`, and,
    # for the per-day limit, appointments of the agent's local days around the window.
    reach_from, reach_until = start - rules.buffer_before, end + rules.duration + rules.buffer_after
    if busy_times is None:
        busy_times = busy.external_busy_between(ids, reach_from, reach_until)
    touching = Q(blocked_from__lt=reach_until, blocked_until__gt=reach_from)
    lowest, highest = reach_from, reach_until
    if rules.max_per_day is not None:
        touching |= Q(start__gte=start - LOCAL_DAY, start__lt=end + LOCAL_DAY)
        lowest, highest = min(lowest, start - LOCAL_DAY), max(highest, end + LOCAL_DAY)
    booked: dict[int, list[availability.Booked]] = defaultdict(list)
    rows = (
        Appointment.objects.filter(
            agent_id__in=ids,
            state__in=Appointment.BLOCKING,
            # Bounds on `start` let the (agent, start) index skip the agent's past and
            # future: an appointment lasts at most LONGEST, its buffers at most a day each.
            start__gt=lowest - LONGEST - LONGEST_BUFFER,
            start__lt=highest + LONGEST_BUFFER,
        )
        .filter(touching)
        .values_list(
            "agent_id",
            "booking_type_id",
            "start",
            "end",
            "buffer_before_minutes",
            "buffer_after_minutes",
        )
    )
    this_type = booking_type.pk
    for agent_id, type_id, a_start, a_end, before, after in rows:
        booked[agent_id].append(
            availability.Booked(
                a_start,
                a_end,
                timedelta(minutes=before),
                timedelta(minutes=after),
                counts_for_limit=type_id == this_type,
            )
        )
    out: dict[int, list[Span]] = {}
    # Every member's hours and absences in one go (a team's slots read them all).
    calendars = agent_calendars(people, since=start - MARGIN)
    for agent in people:
        zone, working = _working(agent, calendars[agent.pk], start, end)
        out[agent.pk] = availability.free_slots(
            working=working,
            booked=booked.get(agent.pk, ()),
            busy=busy_times.get(agent.pk, ()),
            rules=rules,
            zone=zone,
            now=now,
            window=(start, end),
        )
    return out


def free_slots(
    booking_type: BookingType,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
    busy_times: dict[int, list[Span]] | None = None,
) -> list[Span]:
    """The booking type's slots starting in [start, end): a team's when any member is free."""
    by_agent = slots_by_agent(booking_type, start, end, now=now, busy_times=busy_times)
    return availability.any_member_free(by_agent.values())


def visible_appointments(user: Any) -> QuerySet[Appointment]:
    """Appointments an agent sees: their own and their teams' booking types'
    (administrators: all)."""
    rows = Appointment.objects.select_related("booking_type", "agent", "customer", "conversation")
    if not is_admin(user):
        rows = rows.filter(Q(agent=user) | Q(booking_type__team__members=user)).distinct()
    return rows.order_by("start", "pk")


def visible_appointment(user: Any, appointment_id: int) -> Appointment:
    """One appointment in the user's sight; Http404 otherwise (it may not exist)."""
    found = visible_appointments(user).filter(pk=appointment_id).first()
    if found is None:
        raise Http404(_("No such appointment."))
    return found


def agent_zone(agent: Any) -> ZoneInfo:
    """The agent's own zone: their working hours', else their profile's, else UTC."""
    calendar = agent_calendar(agent, since=timezone.now())
    name = calendar.hours.time_zone if calendar.hours is not None else ""
    profile = getattr(agent, "agent", None)
    return zone_named(name or getattr(profile, "time_zone", "") or "UTC") or ZoneInfo("UTC")
