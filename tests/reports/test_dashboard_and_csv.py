"""The reports dashboard (figures, weekly chart as inline SVG) and the CSV export, on the
known history of conftest.py."""

from __future__ import annotations

import csv
import io

import pytest

JUNE = "from=2026-06-01&to=2026-06-14"


def test_the_dashboard_shows_the_figures_and_an_svg_chart_of_weekly_compliance(
    sla_history, zofia_client
):
    response = zofia_client.get(f"/reports/?group=week&{JUNE}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "<rect" in page
    assert "2026-W23: 50.0 %" in page
    assert "2026-W24: 100.0 %" in page
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "4 of 7 targets met, over 4 conversations." in page
    assert "1 h 0 min / 1 h 24 min" in page  # W23 first reply: median / 90th percentile


def test_an_agent_sees_only_their_teams_figures(sla_history, anna_client):
    page = anna_client.get(f"/reports/?group=team&{JUNE}").content.decode()

    assert "Support" in page
    assert "Billing" not in page.split("<main", 1)[1]


def test_a_bad_date_is_reported_not_a_crash(zofia_client, db):
    response = zofia_client.get("/reports/?from=yesterday", follow=True)

    assert response.status_code == 200
    assert "Dates are YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize("group", ["team", "agent", "policy", "week"])
def test_the_csv_export_parses_and_carries_the_same_figures(sla_history, zofia_client, group):
    response = zofia_client.get(f"/reports/sla.csv?group={group}&{JUNE}")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="klient-sla-{group}-2026-06-01-2026-06-14.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert sum(int(r["due"]) for r in rows) == 7
    assert sum(int(r["met"]) for r in rows) == 4
    assert {r["group"] for r in rows} == {group}


def test_the_weekly_csv_row_matches_the_hand_computed_figures(sla_history, zofia_client):
    response = zofia_client.get(f"/reports/sla.csv?group=week&{JUNE}")

    [w23, w24] = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert w23 == {
        "group": "week",
        "key": "2026-06-01",
        "label": "2026-W23",
        "conversations": "3",
        "due": "6",
        "met": "3",
        "breached": "3",
        "compliance_percent": "50.0",
        "first_reply_median_seconds": "3600",
        "first_reply_p90_seconds": "5040",
        "resolution_median_seconds": "5400",
        "resolution_p90_seconds": "6840",
    }
    assert w24["resolution_median_seconds"] == ""


def test_an_invalid_csv_request_is_a_400(zofia_client, db):
    response = zofia_client.get("/reports/sla.csv?group=month")

    assert response.status_code == 400
    assert "group is one of" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/reports/sla.csv").status_code == 302
    assert client.get("/reports/").status_code == 302


def test_weeks_without_conversations_are_empty_bars(sla_history, zofia_client):
    page = zofia_client.get("/reports/?group=week&from=2026-05-25&to=2026-06-21").content.decode()

    assert "2026-W22: nothing due" in page
    assert "2026-W25: nothing due" in page
    assert page.count('<g class="bar') == 4
