"""The SLA compliance report: one aggregate query per grouping, computed in the database.

What is counted: the outcomes of target cycles (klient.sla SlaOutcome: one row per cycle of
first reply, next reply, periodic update and resolution, written when the cycle ends)
whose `ended_at` falls inside the window [start, end), for the conversations the reader
may see. A cycle counts in the week its outcome was decided (met: the answer or solve;
breached: its due moment; cancelled: its end), for the team, agent and policy the
conversation had at that moment. due = met + breached (cancelled cycles were never owed);
compliance = met / due. A cycle still running is not counted. `target` restricts the counts
to one target.

Durations (wall clock, from ConversationSla, which equals a recomputation from events), over
the conversations whose first-reply (resolution) cycle was met or breached in the window:
first reply = first_reply_at - started_at; resolution = the latest `sla.stopped` event of a
conversation that is solved or closed now - started_at. Median and 90th percentile are
percentile_cont (linear interpolation). They do not depend on `target`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from klient.conversations.access import conversations_in_scope
from klient.core.models import Event
from klient.reports.percentile import Percentile, SecondsBetween
from klient.sla.clock import TARGET_NAMES
from klient.sla.events import Kind as SlaKind
from klient.sla.models import SlaOutcome

GROUPS = ("team", "agent", "policy", "week", "target")
TARGETS = TARGET_NAMES  # first_reply, next_reply, periodic_update, resolution
DEFAULT_WEEKS = 12
MET, BREACHED, CANCELLED = (
    SlaOutcome.Outcome.MET,
    SlaOutcome.Outcome.BREACHED,
    SlaOutcome.Outcome.CANCELLED,
)


class ReportError(ValueError):
    """A report parameter that cannot be used (shown to the caller as is)."""


@dataclass(frozen=True, slots=True)
class Window:
    start: date  # inclusive
    end: date  # inclusive

    @classmethod
    def parse(cls, start: str | None, end: str | None, *, today: date | None = None) -> Window:
        """From ISO dates; defaults to the last DEFAULT_WEEKS weeks up to today."""
        today = today or datetime.now(UTC).date()
        try:
            last = date.fromisoformat(end) if end else today
            first = date.fromisoformat(start) if start else last - timedelta(weeks=DEFAULT_WEEKS)
        except ValueError as exc:
            raise ReportError(f"Dates are YYYY-MM-DD: {exc}.") from None
        if first > last:
            raise ReportError("The window starts after it ends.")
        if (last - first).days > 3 * 366:
            raise ReportError("The window is at most three years long.")
        return cls(first, last)

    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=UTC),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC),
        )


def parse_target(value: str | None) -> str | None:
    """The target to count, None for all four."""
    if not value:
        return None
    if value not in TARGETS:
        raise ReportError(_("target is one of %(targets)s.") % {"targets": ", ".join(TARGETS)})
    return value


@dataclass(frozen=True, slots=True)
class SlaFigures:
    key: Any
    label: str
    conversations: int
    due: int
    met: int
    breached: int
    first_reply_median: int | None  # seconds
    first_reply_p90: int | None
    resolution_median: int | None
    resolution_p90: int | None
    cancelled: int = 0

    @property
    def compliance(self) -> float | None:
        """Percentage of the due targets that were met, one decimal; None when none due."""
        return round(100 * self.met / self.due, 1) if self.due else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.isoformat() if isinstance(self.key, date) else self.key,
            "label": self.label,
            "conversations": self.conversations,
            "due": self.due,
            "met": self.met,
            "breached": self.breached,
            "compliance": self.compliance,
            "first_reply_median_seconds": self.first_reply_median,
            "first_reply_p90_seconds": self.first_reply_p90,
            "resolution_median_seconds": self.resolution_median,
            "resolution_p90_seconds": self.resolution_p90,
        }


def _aggregates(target: str | None) -> dict[str, Any]:
    chosen = Q(target=target) if target else Q(target__in=TARGETS)
    decided = Q(outcome__in=[MET, BREACHED])
    stopped_at = Subquery(
        Event.objects.filter(conversation_id=OuterRef("conversation_id"), kind=SlaKind.STOPPED)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    started_at = F("conversation__sla__started_at")
    first_reply_seconds = Case(
        When(
            decided & Q(target="first_reply"),
            then=SecondsBetween(F("conversation__sla__first_reply_at"), started_at),
        )
    )
    resolution_seconds = Case(
        When(
            decided & Q(target="resolution", conversation__sla__stopped=True),
            then=SecondsBetween(stopped_at, started_at),
        )
    )
    return {
        "conversations": Count("conversation_id", distinct=True, filter=chosen),
        "met": Count("pk", filter=chosen & Q(outcome=MET)),
        "breached": Count("pk", filter=chosen & Q(outcome=BREACHED)),
        "cancelled": Count("pk", filter=chosen & Q(outcome=CANCELLED)),
        "first_reply_median": Percentile(first_reply_seconds, 0.5),
        "first_reply_p90": Percentile(first_reply_seconds, 0.9),
        "resolution_median": Percentile(resolution_seconds, 0.5),
        "resolution_p90": Percentile(resolution_seconds, 0.9),
    }


GROUP_FIELDS = {
    "team": "team_id",
    "agent": "assignee_id",
    "policy": "policy_id",
    "week": "week",
    "target": "target",
}


def _seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def _figures(key: Any, label: str, row: dict[str, Any]) -> SlaFigures:
    return SlaFigures(
        key=key,
        label=label,
        conversations=row["conversations"],
        due=row["met"] + row["breached"],
        met=row["met"],
        breached=row["breached"],
        cancelled=row["cancelled"],
        first_reply_median=_seconds(row["first_reply_median"]),
        first_reply_p90=_seconds(row["first_reply_p90"]),
        resolution_median=_seconds(row["resolution_median"]),
        resolution_p90=_seconds(row["resolution_p90"]),
    )


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def target_label(name: str) -> str:
    return {
        "first_reply": _("first reply"),
        "next_reply": _("next reply"),
        "periodic_update": _("periodic update"),
        "resolution": _("resolution"),
    }.get(name, name)


def _labels(group: str, keys: Sequence[Any]) -> dict[Any, str]:
    from klient.people.models import Team
    from klient.sla.models import SlaPolicy

    if group == "team":
        return dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "policy":
        return dict(SlaPolicy.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "agent":
        return {
            user.pk: user.get_full_name() or user.get_username()
            for user in get_user_model().objects.filter(pk__in=keys)
        }
    if group == "target":
        return {key: target_label(key) for key in keys}
    return {key: iso_week(key) for key in keys if key is not None}


def in_window(user: Any, window: Window) -> QuerySet[SlaOutcome]:
    """The outcomes decided in the window (by the index on ended_at), in the reader's scope."""
    start, end = window.bounds()
    return SlaOutcome.objects.filter(
        ended_at__gte=start,
        ended_at__lt=end,
        conversation_id__in=conversations_in_scope(user).values("pk"),
    )


def sla_compliance(
    user: Any, *, group: str, window: Window, target: str | None = None
) -> list[SlaFigures]:
    """The figures per team, agent, policy (each as it was when the outcome was decided),
    ISO week (Monday, UTC) or target, for the conversations `user` may see; one GROUP BY
    query plus one for the labels."""
    if group not in GROUPS:
        raise ReportError(_("group is one of %(groups)s.") % {"groups": ", ".join(GROUPS)})
    target = parse_target(target)
    rows = in_window(user, window)
    if group == "week":
        rows = rows.annotate(week=TruncWeek("ended_at"))
    field = GROUP_FIELDS[group]
    found = list(rows.values(field).annotate(**_aggregates(target)).order_by(field))
    if target is not None:  # groups with no cycle of that target are left out
        found = [row for row in found if row["conversations"]]
    if group == "target":
        order = {name: i for i, name in enumerate(TARGETS)}
        found.sort(key=lambda row: order.get(row[field], len(order)))
    keys = [row[field].date() if group == "week" else row[field] for row in found]
    labels = _labels(group, [k for k in keys if k is not None])
    nobody = {"agent": _("(unassigned)"), "policy": _("(no policy)")}.get(group, "")
    return [
        _figures(key, labels.get(key, nobody) if key is not None else nobody, row)
        for key, row in zip(keys, found, strict=True)
    ]


def sla_totals(user: Any, *, window: Window, target: str | None = None) -> SlaFigures:
    """The same figures over the whole window."""
    row = in_window(user, window).aggregate(**_aggregates(parse_target(target)))
    return _figures(None, "total", row)
