"""Template filters of the reports pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_text(seconds: int | str | None) -> str:
    """3720 -> "1 h 2 min"; 90000 -> "1 d 1 h"; anything not a number is shown as is."""
    if not isinstance(seconds, int):
        return "" if seconds is None else str(seconds)
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}
