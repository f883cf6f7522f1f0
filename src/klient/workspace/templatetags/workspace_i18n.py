"""Dates and times as each language writes them, in the viewer's time zone.

The formats are translatable strings (Django `date` syntax), so each language chooses its own
order and month form: "5 Nov, 14:30", "5. Nov., 14:30", "5 lis, 14:30". Views render inside
`timezone.override(agent's zone)`, and `expects_localtime` converts to it first."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import pgettext

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def when(value: datetime | None, style: str = "short") -> str:
    """`{{ at|when }}` day, month and time; `{{ at|when:"long" }}` adds the year."""
    if not value:
        return ""
    if style == "long":
        # Translators: a Django date format (day, month, year, time), e.g. "5 Nov 2025, 14:30".
        fmt = pgettext("date format with year", "j M Y, H:i")
    else:
        # Translators: a Django date format (day, month, time), e.g. "5 Nov, 14:30".
        fmt = pgettext("date format without year", "j M, H:i")
    return date_filter(value, fmt)
