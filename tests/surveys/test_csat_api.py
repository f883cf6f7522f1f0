"""GET/PUT /api/v1/teams/{id}/csat: disabled unless set; administrators change it, a
member reads it and gets 403 for a change, anyone else 404; a refused value is a 422
naming the field and changes nothing. GET /api/v1/reports/csat refuses an unknown group."""

from __future__ import annotations

import pytest

from klient.surveys.models import CsatSettings

DEFAULTS = {"enabled": False, "delay_minutes": 0, "scale": "good_bad", "ask_comment": False}
ON = {"enabled": True, "delay_minutes": 120, "scale": "five", "ask_comment": True}


def test_a_team_without_settings_has_surveys_off(call, support_team, admin_zofia):
    response = call(admin_zofia, "get", f"/api/v1/teams/{support_team.pk}/csat")
    assert response.status_code == 200
    assert response.json() == DEFAULTS
    assert not CsatSettings.objects.exists()


def test_an_administrator_sets_them_and_a_member_reads_them(
    call, support_team, admin_zofia, agent_anna
):
    response = call(admin_zofia, "put", f"/api/v1/teams/{support_team.pk}/csat", ON)
    assert response.status_code == 200
    assert response.json() == ON
    assert call(agent_anna, "get", f"/api/v1/teams/{support_team.pk}/csat").json() == ON
    off = {**ON, "enabled": False, "delay_minutes": 0}
    assert call(admin_zofia, "put", f"/api/v1/teams/{support_team.pk}/csat", off).json() == off
    assert CsatSettings.objects.count() == 1


def test_a_member_may_not_change_them_and_an_outsider_does_not_see_the_team(
    call, support_team, agent_anna, agent_bruno
):
    refused = call(agent_anna, "put", f"/api/v1/teams/{support_team.pk}/csat", ON)
    assert refused.status_code == 403 and refused.json()["detail"]
    for method, body in (("get", None), ("put", ON)):
        hidden = call(agent_bruno, method, f"/api/v1/teams/{support_team.pk}/csat", body)
        assert hidden.status_code == 404 and hidden.json() == {"detail": "No such team."}
    assert call(agent_anna, "get", "/api/v1/teams/99999/csat").status_code == 404
    assert not CsatSettings.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scale": "ten"}, "scale"),
        ({"delay_minutes": -1}, "delay_minutes"),
        ({"delay_minutes": "soon"}, "delay_minutes"),
        ({"delay_minutes": 10**9}, "delay_minutes"),
        ({"enabled": "yes"}, "enabled"),
        ({"ask_comment": None}, "ask_comment"),
    ],
)
def test_a_refused_value_is_a_422_naming_the_field(call, support_team, admin_zofia, change, field):
    response = call(admin_zofia, "put", f"/api/v1/teams/{support_team.pk}/csat", {**ON, **change})
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not CsatSettings.objects.exists()


def test_every_field_is_required_in_a_put(call, support_team, admin_zofia):
    response = call(admin_zofia, "put", f"/api/v1/teams/{support_team.pk}/csat", {"enabled": True})
    assert response.status_code == 422
    assert "delay_minutes" in response.json()["detail"]


def test_without_a_token_it_is_a_401(client, support_team):
    assert client.get(f"/api/v1/teams/{support_team.pk}/csat").status_code == 401
    assert client.get("/api/v1/reports/csat").status_code == 401


def test_the_report_refuses_an_unknown_group_or_date(call, agent_anna):
    assert call(agent_anna, "get", "/api/v1/reports/csat?group=policy").status_code == 422
    bad_date = call(agent_anna, "get", "/api/v1/reports/csat?from=yesterday")
    assert bad_date.status_code == 422 and "YYYY-MM-DD" in bad_date.json()["detail"]
    empty = call(agent_anna, "get", "/api/v1/reports/csat")
    assert empty.status_code == 200
    assert empty.json()["total"] == {"responses": 0, "score": None} and empty.json()["rows"] == []


def test_a_change_is_in_the_audit_log_with_who_made_it(call, support_team, admin_zofia):
    from klient.core.models import Event

    call(admin_zofia, "put", f"/api/v1/teams/{support_team.pk}/csat", ON)
    call(admin_zofia, "put", f"/api/v1/teams/{support_team.pk}/csat", ON)  # the same again

    (event,) = Event.objects.filter(kind="survey.settings_saved")
    assert event.actor_id == admin_zofia.pk
    assert event.data == {"team": support_team.pk, "from": DEFAULTS, "to": ON}
