"""Zofia reads how satisfied customers were in November: per team, per agent (whom the
conversation was assigned to when it was solved) and per ISO week of the first answer,
in the API, the CSV export and the reports page. Bruno sees his team's numbers only.

Four answers over two weeks: Support's Anna got "good" and, once Support moved to five
points, a 4; an unassigned Support conversation got "bad"; Bruno's Billing one "bad".
Satisfied = good answers (and 4-5 of five): 2 of 4, 50 %."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from survey_steps import solve

from klient.conversations.actions import update_conversation
from klient.surveys import actions
from klient.surveys.models import Survey
from support import worker_runs

WEEK_1 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # Tuesday of ISO week 47
WEEK_2 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday of ISO week 48
NOVEMBER = "from=2026-11-01&to=2026-11-30"


def answered(receive, team, address, agent, rating, at, solver):
    with freeze_time(at):
        conversation = receive(team, address, "Question", "Bonjour, une question.").conversation
        if agent is not None:
            conversation = update_conversation(conversation, actor=agent, assignee=agent)
        solve(conversation, solver)
        worker_runs()
        actions.answer(Survey.objects.get(conversation=conversation), rating=rating)
    return conversation


@pytest.fixture
def november(smtp_sink, receive, support_team, billing_team, agent_anna, agent_bruno, admin_zofia):
    on = {"enabled": True, "delay_minutes": 0, "ask_comment": False}
    actions.update_settings(support_team, actor=admin_zofia, scale="good_bad", **on)
    actions.update_settings(billing_team, actor=admin_zofia, scale="good_bad", **on)
    answered(receive, support_team, "a@client.example", agent_anna, "good", WEEK_1, agent_anna)
    answered(receive, support_team, "b@client.example", None, "bad", WEEK_1, agent_anna)
    answered(receive, billing_team, "c@client.example", agent_bruno, "bad", WEEK_2, agent_bruno)
    actions.update_settings(support_team, actor=admin_zofia, scale="five", **on)
    answered(receive, support_team, "d@client.example", agent_anna, "4", WEEK_2, agent_anna)


def report(call, user, group):
    response = call(user, "get", f"/api/v1/reports/csat?group={group}&{NOVEMBER}")
    assert response.status_code == 200, response.content
    return response.json()


def figures(body):
    return {row["label"]: (row["responses"], row["score"]) for row in body["rows"]}


def test_per_team(call, november, admin_zofia):
    body = report(call, admin_zofia, "team")
    assert body["total"] == {"responses": 4, "score": 50.0}
    assert figures(body) == {"Billing": (1, 0.0), "Support": (3, 66.7)}


def test_per_agent_is_the_assignee_when_solved(call, november, admin_zofia):
    body = report(call, admin_zofia, "agent")
    assert figures(body) == {
        "Anna Nowak": (2, 100.0),
        "Bruno Martin": (1, 0.0),
        "(unassigned)": (1, 0.0),
    }


def test_per_week_of_the_first_answer(call, november, admin_zofia):
    body = report(call, admin_zofia, "week")
    assert [(r["key"], r["label"], r["responses"], r["score"]) for r in body["rows"]] == [
        ("2026-11-16", "2026-W47", 2, 50.0),
        ("2026-11-23", "2026-W48", 2, 50.0),
    ]


def test_an_agent_sees_their_teams_numbers_only(call, november, agent_bruno):
    body = report(call, agent_bruno, "team")
    assert body["total"] == {"responses": 1, "score": 0.0}
    assert figures(body) == {"Billing": (1, 0.0)}


def test_a_window_without_answers_has_no_score(call, november, admin_zofia):
    response = call(admin_zofia, "get", "/api/v1/reports/csat?from=2026-10-01&to=2026-10-31")
    assert response.json()["total"] == {"responses": 0, "score": None}
    assert response.json()["rows"] == []


def test_the_csv_export_per_agent(november, zofia_client):
    response = zofia_client.get(f"/reports/csat.csv?group=agent&{NOVEMBER}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["group", "key", "label", "responses", "good", "bad", "score_percent"]
    assert {row[2]: row[3:] for row in rows[1:]} == {
        "Anna Nowak": ["2", "2", "0", "100.0"],
        "Bruno Martin": ["1", "0", "1", "0.0"],
        "(unassigned)": ["1", "0", "1", "0.0"],
    }
    assert zofia_client.get("/reports/csat.csv?group=policy").status_code == 400


def test_the_reports_page_has_a_satisfaction_section(november, zofia_client):
    page = zofia_client.get(f"/reports/?{NOVEMBER}").content.decode()
    assert "Customer satisfaction" in page
    section = page[page.index('id="csat"') :]
    assert "50.0 %" in section and "66.7 %" in section
    assert f"/reports/csat.csv?group=team&amp;{NOVEMBER.replace('&', '&amp;')}" in section


@pytest.mark.parametrize("group", ["team", "agent", "week"])
def test_the_report_is_a_fixed_number_of_queries(
    november, admin_zofia, django_assert_num_queries, group
):
    from klient.surveys.queries import csat_report

    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    # The GROUP BY, the total, and the labels (none for weeks).
    with django_assert_num_queries(2 if group == "week" else 3):
        total, rows = csat_report(admin_zofia, group=group, start=start, end=end)
    assert total.responses == 4 and rows
