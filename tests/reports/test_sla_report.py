"""The SLA compliance report on a small history whose figures are computed by hand (see
conftest.py): targets due, met, breached, compliance, median and 90th percentile."""

from __future__ import annotations

import pytest

from klient.reports.percentile import percentile_cont
from klient.reports.queries import ReportError, Window, sla_compliance, sla_totals

JUNE = Window.parse("2026-06-01", "2026-06-14")


def figures(rows):
    return {row.label: row.as_dict() for row in rows}


def test_weekly_figures_for_an_administrator(sla_history, admin_zofia):
    """W23: first replies 1 met (C1), 2 breached (C2 late, C3 never); resolutions 2 met,
    1 breached (C3): 3 of 6 = 50 %. First reply times 30 and 90 min: median 60 min,
    p90 = 30 + 0.9 x 60 = 84 min. Resolution 1 h and 2 h: median 1.5 h, p90 1.9 h.
    W24: C4's first reply met; its resolution is still running, so not yet due."""
    rows = figures(sla_compliance(admin_zofia, group="week", window=JUNE))

    assert rows["2026-W23"] == {
        "key": "2026-06-01",
        "label": "2026-W23",
        "conversations": 3,
        "due": 6,
        "met": 3,
        "breached": 3,
        "compliance": 50.0,
        "first_reply_median_seconds": 3600,
        "first_reply_p90_seconds": 84 * 60,
        "resolution_median_seconds": 5400,
        "resolution_p90_seconds": 6840,
    }
    w24 = rows["2026-W24"]
    assert (w24["due"], w24["met"], w24["breached"], w24["compliance"]) == (1, 1, 0, 100.0)
    assert w24["first_reply_median_seconds"] == w24["first_reply_p90_seconds"] == 600
    assert w24["resolution_median_seconds"] is None


def test_totals_team_agent_and_policy_groupings(sla_history, admin_zofia):
    total = sla_totals(admin_zofia, window=JUNE)
    assert (total.conversations, total.due, total.met, total.breached) == (4, 7, 4, 3)
    assert total.compliance == pytest.approx(57.1)

    teams = figures(sla_compliance(admin_zofia, group="team", window=JUNE))
    assert {k: (v["due"], v["met"]) for k, v in teams.items()} == {
        "Support": (6, 3),
        "Billing": (1, 1),
    }
    agents = figures(sla_compliance(admin_zofia, group="agent", window=JUNE))
    assert {k: (v["conversations"], v["due"], v["met"]) for k, v in agents.items()} == {
        "Anna Nowak": (2, 4, 3),
        "Bruno Martin": (1, 1, 1),
        "(unassigned)": (1, 2, 0),
    }
    policies = figures(sla_compliance(admin_zofia, group="policy", window=JUNE))
    assert list(policies) == ["Standard"]
    assert policies["Standard"]["due"] == 7


def test_an_agent_sees_only_the_numbers_of_their_teams(sla_history, agent_anna, agent_bruno):
    assert [r.label for r in sla_compliance(agent_anna, group="team", window=JUNE)] == ["Support"]
    assert [r.label for r in sla_compliance(agent_bruno, group="week", window=JUNE)] == ["2026-W24"]


def test_the_window_selects_conversations_by_when_their_clock_started(sla_history, admin_zofia):
    rows = sla_compliance(
        admin_zofia, group="week", window=Window.parse("2026-06-02", "2026-06-02")
    )
    assert [(r.label, r.conversations, r.due) for r in rows] == [("2026-W23", 1, 2)]


def test_the_report_is_one_query_whatever_the_number_of_conversations(
    sla_history, admin_zofia, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        sla_compliance(admin_zofia, group="week", window=JUNE)


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [("2026-13-01", None, "YYYY-MM-DD"), ("2026-06-10", "2026-06-01", "starts after")],
)
def test_a_bad_window_is_refused_with_a_reason(start, end, problem):
    with pytest.raises(ReportError, match=problem):
        Window.parse(start, end)


def test_an_unknown_grouping_is_refused(admin_zofia, db):
    with pytest.raises(ReportError, match="group is one of"):
        sla_compliance(admin_zofia, group="month", window=JUNE)


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([1, 2, 3, 4], 0.5, 2.5), ([10], 0.9, 10), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1)],
)
def test_the_python_percentile_matches_postgresql_percentile_cont(values, fraction, expected):
    assert percentile_cont(values, fraction) == pytest.approx(expected)
