"""`{% sla_state conversation as sla %}`: the conversation page's SLA panel, in words.

The stored clock (ConversationSla) with each running target's due time in the viewer's
time zone (views render inside the agent's zone) and how far it is: "in 2 h 5 min",
"overdue by 35 min". One query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from klient.sla.models import ConversationSla

register = template.Library()

TARGETS = (
    ("first_reply", "first_reply_due", gettext_lazy("First reply")),
    ("next_reply", "next_reply_due", gettext_lazy("Next reply")),
    ("periodic_update", "update_due", gettext_lazy("Update")),
    ("resolution", "resolution_due", gettext_lazy("Resolution")),
)
LABELS = {name: label for name, _field, label in TARGETS}


@dataclass(frozen=True)
class TargetLine:
    label: str
    due_at: datetime
    due_text: str  # in the viewer's time zone
    relative: str  # "in 2 h" / "overdue by 35 min"
    overdue: bool
    breached: bool


@dataclass(frozen=True)
class SlaPanel:
    policy: str
    targets: list[TargetLine]
    paused: bool
    paused_since: str
    stopped: bool
    breached: list[str]
    first_reply_at: str


def duration_words(seconds: float) -> str:
    """A short duration: "35 min", "2 h 5 min", "3 d 4 h" (at least one minute)."""
    minutes = max(1, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return pgettext("duration", "%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours and minutes:
        return pgettext("duration", "%(hours)d h %(minutes)d min") % {
            "hours": hours,
            "minutes": minutes,
        }
    if hours:
        return pgettext("duration", "%(hours)d h") % {"hours": hours}
    return pgettext("duration", "%(minutes)d min") % {"minutes": minutes}


def relative_words(due: datetime, now: datetime) -> str:
    seconds = (due - now).total_seconds()
    if seconds > 0:
        return _("in %(duration)s") % {"duration": duration_words(seconds)}
    return _("overdue by %(duration)s") % {"duration": duration_words(-seconds)}


def moment_words(value: datetime | None) -> str:
    """Day, month and time in the current (viewer's) time zone."""
    if value is None:
        return ""
    # Translators: a Django date format (day, month, time), e.g. "5 Nov, 14:30".
    return date_format(timezone.localtime(value), pgettext("date format without year", "j M, H:i"))


def panel_of(row: ConversationSla | None, now: datetime) -> SlaPanel | None:
    if row is None or row.policy is None:
        return None
    breached = list(row.breached or [])
    lines = []
    for name, field, label in TARGETS:
        due = getattr(row, field)
        if due is None:
            continue
        lines.append(
            TargetLine(
                label=str(label),
                due_at=due,
                due_text=moment_words(due),
                relative=relative_words(due, now),
                overdue=due <= now,
                breached=name in breached,
            )
        )
    return SlaPanel(
        policy=row.policy.name,
        targets=lines,
        paused=row.paused,
        paused_since=moment_words(row.paused_since),
        stopped=row.stopped,
        breached=[str(LABELS.get(name, name)) for name in breached],
        first_reply_at=moment_words(row.first_reply_at),
    )


@register.simple_tag
def sla_state(conversation: Any) -> SlaPanel | None:
    """The panel's content; None when no SLA policy applies to the conversation."""
    row = (
        ConversationSla.objects.select_related("policy")
        .filter(conversation_id=conversation.pk)
        .first()
    )
    return panel_of(row, timezone.now())
