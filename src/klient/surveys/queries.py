"""The CSAT report: answers per team, agent (the assignee when solved) or ISO week of the
first answer, for the conversations the reader may see. The score is the share of good
answers in percent (good; on five points 4 and 5: klient.surveys.rules). One query for
the answers in the window plus one for the labels."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
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


def _figures(key: Any, label: str, ratings: list[str]) -> CsatFigures:
    return CsatFigures(
        key=key,
        label=label,
        responses=len(ratings),
        good=sum(1 for r in ratings if rules.is_good(r)),
        bad=sum(1 for r in ratings if rules.is_bad(r)),
        score=rules.score(ratings),
    )


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def answers(user: Any, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The answered surveys first answered in [start, end), in the reader's scope."""
    return [
        dict(row)
        for row in Survey.objects.filter(
            answered_at__gte=start,
            answered_at__lt=end,
            conversation_id__in=conversations_in_scope(user).values("pk"),
        ).values("team_id", "agent_id", "answered_at", "rating")
    ]


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


def _key(group: str, row: dict[str, Any]) -> Any:
    if group == "week":
        day = row["answered_at"].date()
        return day - timedelta(days=day.weekday())  # the week's Monday (UTC)
    return row[f"{group}_id"]


def csat_report(
    user: Any, *, group: str, start: datetime, end: datetime
) -> tuple[CsatFigures, list[CsatFigures]]:
    """The total and one row per team, agent or week (ValueError for another group)."""
    if group not in GROUPS:
        raise ValueError(_("group is one of %(groups)s.") % {"groups": ", ".join(GROUPS)})
    found = answers(user, start, end)
    by_key: dict[Any, list[str]] = defaultdict(list)
    for row in found:
        by_key[_key(group, row)].append(row["rating"])
    labels = _labels(group, by_key)
    nobody = _("(unassigned)")
    keys = sorted(by_key, key=lambda k: (k is None, k if group == "week" else labels.get(k, "")))
    rows = [
        _figures(key, labels.get(key, nobody) if key is not None else nobody, by_key[key])
        for key in keys
    ]
    return _figures(None, "total", [row["rating"] for row in found]), rows
