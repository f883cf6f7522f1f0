"""SLA: business calendars and the business-time clock (pure, no Django here yet)."""

from klient.sla.business_time import (
    HORIZON_DAYS,
    add_business_time,
    business_time_between,
    due_at,
    is_open,
    next_opening,
    open_intervals,
)
from klient.sla.calendar import BusinessCalendar, WorkingHours

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
