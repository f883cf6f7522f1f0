"""Calendars: working hours, holidays, closures, extra working days and absences, and the
business-time arithmetic on them. Owned by neither SLA nor scheduling: both read it.

The pure modules (calendar, business_time, spec, absences) have no Django imports (an
import-linter contract keeps it so); the Django app holds only `WorkingHoursConfig` (a
team's or an agent's hours) and its one writer, `klient.calendars.actions`."""

from klient.calendars.business_time import (
    HORIZON_DAYS,
    add_business_time,
    business_time_between,
    due_at,
    is_open,
    next_opening,
    open_intervals,
)
from klient.calendars.calendar import BusinessCalendar, WorkingHours

__all__ = [
    "HORIZON_DAYS",
    "BusinessCalendar",
    "WorkingHours",
    "add_business_time",
    "business_time_between",
    "due_at",
    "is_open",
    "next_opening",
    "open_intervals",
]
