"""The CSAT report: answers per team, agent (the assignee when solved) or ISO week of the
first answer, for the conversations the reader may see. The score is the share of good
answers in percent (good; on five points 4 and 5: klient.surveys.rules), counted by the
database (GROUP BY), so the cost is one query whatever the number of answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from klient.conversations.access import conversations_in_scope
from klient.people.models import Team

from . import rules
from .models import Survey

GROUPS = ("team", "agent", "week")


@dataclass(frozen=True, slots=True)
class CsatFigures:
    key: Any
    label: str
    responses: int
    good: int
    bad: int
    score: float | None

    def as_dict(self) -> dict[str, Any]:
        key = self.key.isoformat() if isinstance(self.key, date) else self.key
        return {
            "key": key,
            "label": self.label,
            "responses": self.responses,
            "good": self.good,
            "bad": self.bad,
            "score": self.score,
        }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def answers(user: Any, start: datetime, end: datetime) -> QuerySet[Survey]:
    """The answered surveys first answered in [start, end), in the reader's scope (by the
    index on answered_at)."""
    return Survey.objects.filter(
        answered_at__gte=start,
        answered_at__lt=end,
        conversation_id__in=conversations_in_scope(user).values("pk"),
    )


_COUNTS = {
    "responses": Count("pk"),
    "good": Count("pk", filter=Q(rating__in=sorted(rules.GOOD_RATINGS))),
    "bad": Count("pk", filter=Q(rating__in=sorted(rules.BAD_RATINGS))),
}
_FIELDS = {"team": "team_id", "agent": "agent_id", "week": "week"}


def _labels(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = [k for k in keys if k is not None]
    if group == "team":
        return dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "agent":
        return {
            agent.pk: agent.get_full_name() or agent.get_username()
            for agent in get_user_model().objects.filter(pk__in=keys)
        }
    return {key: iso_week(key) for key in keys}


def _figures(key: Any, label: str, row: dict[str, Any]) -> CsatFigures:
    responses, good = row["responses"] or 0, row["good"] or 0
    return CsatFigures(
        key=key,
        label=label,
        responses=responses,
        good=good,
        bad=row["bad"] or 0,
        score=rules.percent(good, responses),
    )


def csat_report(
    user: Any, *, group: str, start: datetime, end: datetime
) -> tuple[CsatFigures, list[CsatFigures]]:
    """The total and one row per team, agent or ISO week (its Monday, UTC) of the first
    answer: one GROUP BY query, one for the totals and one for the labels. ValueError for
    another group."""
    if group not in GROUPS:
        raise ValueError(_("group is one of %(groups)s.") % {"groups": ", ".join(GROUPS)})
    rows = answers(user, start, end)
    if group == "week":
        rows = rows.annotate(week=TruncWeek("answered_at", tzinfo=UTC))
    field = _FIELDS[group]
    found = list(rows.values(field).annotate(**_COUNTS).order_by(field))
    keys = [row[field].date() if group == "week" else row[field] for row in found]
    labels = _labels(group, keys)
    nobody = _("(unassigned)")
    figures = [
        _figures(key, labels.get(key, nobody) if key is not None else nobody, row)
        for key, row in zip(keys, found, strict=True)
    ]
    if group != "week":  # by name, the unassigned last
        figures.sort(key=lambda f: (f.key is None, f.label.lower()))
    return _figures(None, "total", rows.aggregate(**_COUNTS)), figures
