"""A conversation's time zone, in which its promises' due times are read: its customer's,
else its team's business-hours zone, else the site's."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings

from klient.calendars.models import WorkingHoursConfig
from klient.conversations.models import Conversation


def valid_zone(name: str) -> ZoneInfo | None:
    if not name or name not in available_timezones():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def conversation_zone(conversation: Conversation) -> ZoneInfo:
    customer = conversation.customer if conversation.customer_id else None
    if customer is not None and (zone := valid_zone(customer.time_zone)):
        return zone
    hours = WorkingHoursConfig.objects.filter(team_id=conversation.team_id).first()
    if hours is not None and (zone := valid_zone(hours.time_zone)):
        return zone
    return ZoneInfo(settings.TIME_ZONE)
