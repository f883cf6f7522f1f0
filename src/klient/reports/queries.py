"""The SLA compliance report: one aggregate query per grouping, computed in the database.

Which conversations: those whose SLA clock started (ConversationSla.started_at, the
first customer message) inside the window [start, end), within the reader's scope.

Targets counted (one outcome per conversation and target, read from the event log):
* first reply: met when `sla.first_reply` says `on_time`; breached when an `sla.breached`
  event names `first_reply` or the first reply came late (`on_time` false);
* resolution: breached when an `sla.breached` event names `resolution`; met when the
  conversation is solved or closed, its policy has a resolution target and it never
  breached it.
A target still running is neither: it is not yet due. compliance = met / (met + breached).

Durations (wall clock, from ConversationSla, which equals a recomputation from events):
first reply = first_reply_at - started_at; resolution = the latest `sla.stopped` event of a
conversation that is solved or closed now - started_at. Median and 90th percentile are
percentile_cont (linear interpolation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from klient.conversations.access import conversations_in_scope
from klient.core.models import Event
from klient.reports.percentile import Percentile, SecondsBetween
from klient.sla.models import ConversationSla

GROUPS = ("team", "agent", "policy", "week")
DEFAULT_WEEKS = 12


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


def _events(kind: str, **data: Any) -> QuerySet[Event]:
    return Event.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        kind=kind,
        **{f"data__{k}": v for k, v in data.items()},
    )


def _aggregates() -> dict[str, Any]:
    first_reply_breached = Q(Exists(_events("sla.breached", target="first_reply"))) | Q(
        Exists(_events("sla.first_reply", on_time=False))
    )
    first_reply_met = Q(Exists(_events("sla.first_reply", on_time=True))) & ~first_reply_breached
    resolution_breached = Q(Exists(_events("sla.breached", target="resolution")))
    resolution_met = (
        Q(stopped=True, policy__resolution_minutes__isnull=False) & ~resolution_breached
    )
    stopped_at = Subquery(_events("sla.stopped").order_by("-at", "-id").values("at")[:1])
    resolution_seconds = SecondsBetween(Case(When(stopped=True, then=stopped_at)), F("started_at"))
    first_reply_seconds = SecondsBetween(F("first_reply_at"), F("started_at"))

    def count(condition: Q) -> Count:
        return Count(Case(When(condition, then=1)))

    return {
        "conversations": Count("conversation_id"),
        "first_reply_met": count(first_reply_met),
        "first_reply_breached": count(first_reply_breached),
        "resolution_met": count(resolution_met),
        "resolution_breached": count(resolution_breached),
        "first_reply_median": Percentile(first_reply_seconds, 0.5),
        "first_reply_p90": Percentile(first_reply_seconds, 0.9),
        "resolution_median": Percentile(resolution_seconds, 0.5),
        "resolution_p90": Percentile(resolution_seconds, 0.9),
    }


GROUP_FIELDS = {
    "team": "conversation__team_id",
    "agent": "conversation__assignee_id",
    "policy": "policy_id",
    "week": "week",
}


def _seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def _figures(key: Any, label: str, row: dict[str, Any]) -> SlaFigures:
    met = row["first_reply_met"] + row["resolution_met"]
    breached = row["first_reply_breached"] + row["resolution_breached"]
    return SlaFigures(
        key=key,
        label=label,
        conversations=row["conversations"],
        due=met + breached,
        met=met,
        breached=breached,
        first_reply_median=_seconds(row["first_reply_median"]),
        first_reply_p90=_seconds(row["first_reply_p90"]),
        resolution_median=_seconds(row["resolution_median"]),
        resolution_p90=_seconds(row["resolution_p90"]),
    )


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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
    return {key: iso_week(key) for key in keys if key is not None}


def in_window(user: Any, window: Window) -> QuerySet[ConversationSla]:
    start, end = window.bounds()
    return ConversationSla.objects.filter(
        started_at__gte=start,
        started_at__lt=end,
        conversation_id__in=conversations_in_scope(user).values("pk"),
    )


def sla_compliance(user: Any, *, group: str, window: Window) -> list[SlaFigures]:
    """The figures per team, agent (assignee), policy or ISO week (Monday, UTC) for the
    conversations `user` may see; one GROUP BY query plus one for the labels."""
    if group not in GROUPS:
        raise ReportError(f"group is one of {', '.join(GROUPS)}.")
    rows = in_window(user, window)
    if group == "week":
        rows = rows.annotate(week=TruncWeek("started_at"))
    field = GROUP_FIELDS[group]
    found = list(rows.values(field).annotate(**_aggregates()).order_by(field))
    keys = [row[field].date() if group == "week" else row[field] for row in found]
    labels = _labels(group, [k for k in keys if k is not None])
    nobody = {"agent": _("(unassigned)"), "policy": _("(no policy)")}.get(group, "")
    return [
        _figures(key, labels.get(key, nobody) if key is not None else nobody, row)
        for key, row in zip(keys, found, strict=True)
    ]


def sla_totals(user: Any, *, window: Window) -> SlaFigures:
    """The same figures over the whole window."""
    row = in_window(user, window).aggregate(**_aggregates())
    return _figures(None, "total", row)
