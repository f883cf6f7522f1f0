"""/settings/csat/: Zofia switches Support's surveys on in the app; an agent who is not an
administrator gets 403; a wrong value is shown on the form and changes nothing."""

from __future__ import annotations

from klient.surveys.actions import settings_of


def test_an_administrator_switches_a_teams_surveys_on(zofia_client, support_team, billing_team):
    page = zofia_client.get("/settings/csat/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Support" in html and "Billing" in html
    prefix = f"t{support_team.pk}"
    response = zofia_client.post(
        "/settings/csat/",
        {
            "team": support_team.pk,
            f"{prefix}-enabled": "on",
            f"{prefix}-delay_minutes": "45",
            f"{prefix}-scale": "five",
            f"{prefix}-ask_comment": "on",
        },
    )
    assert response.status_code == 302
    saved = settings_of(support_team)
    assert (saved.enabled, saved.delay_minutes, saved.scale, saved.ask_comment) == (
        True, 45, "five", True,
    )  # fmt: skip
    assert not settings_of(billing_team).enabled


def test_a_wrong_value_is_shown_and_changes_nothing(zofia_client, support_team):
    prefix = f"t{support_team.pk}"
    response = zofia_client.post(
        "/settings/csat/",
        {"team": support_team.pk, f"{prefix}-delay_minutes": "-5", f"{prefix}-scale": "five"},
    )
    assert response.status_code == 422
    assert not settings_of(support_team).enabled and settings_of(support_team).pk is None


def test_an_agent_who_is_not_an_administrator_gets_403(anna_client):
    assert anna_client.get("/settings/csat/").status_code == 403
