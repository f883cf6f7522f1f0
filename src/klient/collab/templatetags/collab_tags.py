"""Template tags for collab's slots on workspace pages (the workspace view knows nothing
of collab: the slots fetch their own data)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.collab import queries
from klient.collab.forms import AskForm, FollowUpForm

register = template.Library()


@register.inclusion_tag("collab/_panel_body.html", takes_context=True)
def collab_panel(context: template.Context) -> dict[str, Any]:
    conversation = context["conversation"]
    user = context["user"]
    teams, agents = queries.ask_choices(user)
    return {
        "conversation": conversation,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "colleague_requests": queries.requests_on(conversation),
        "follow_up": queries.pending_follow_up(conversation),
        "ask_form": AskForm(teams=teams, agents=agents, auto_id="collab_%s"),
        "follow_up_form": FollowUpForm(auto_id="collab_followup_%s"),
        "now": timezone.now(),
    }


@register.simple_tag
def collab_open_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return queries.open_count_for(user)


@register.filter
def duration(value: timedelta | None) -> str:
    """A time to answer, short: "45 min", "3 h 05 min", "2 d 4 h"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
