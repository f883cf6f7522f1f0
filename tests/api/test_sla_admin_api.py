"""SLA administration through the API: administrators manage policies, escalation steps
and business hours; every change is an event and the open conversations follow it; other
agents are refused (403 for the list, 404 for anything with an id)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from klient.core import wiring
from klient.core.models import Event
from klient.sla.models import ConversationSla, EscalationStep, SlaPolicy

POLICIES = "/api/v1/sla/policies"
STANDARD = {
    "name": "Standard",
    "first_reply_minutes": 60,
    "resolution_minutes": 480,
    "business_time": False,
    "steps": [
        {"trigger": "warning", "action": "notify_assignee"},
        {"trigger": "breach", "target": "first_reply", "action": "notify_team_lead"},
    ],
}


@pytest.fixture
def run_handlers():
    """Run the handlers of the published events, as the worker's dispatch task does."""
    return wiring.dispatch_pending


def test_an_admin_creates_a_policy_with_steps_and_an_event_is_appended(call, admin_zofia):
    response = call(admin_zofia, "post", POLICIES, STANDARD)

    assert response.status_code == 201
    policy = response.json()
    assert policy["name"] == "Standard"
    assert policy["first_reply_minutes"] == 60
    assert [s["action"] for s in policy["steps"]] == ["notify_assignee", "notify_team_lead"]
    event = Event.objects.get(kind="sla.policy_saved")
    assert event.actor == admin_zofia
    assert event.data["policy"] == policy["id"]
    assert event.data["created"] is True


def test_new_policies_go_last_and_the_list_is_in_rule_order(call, admin_zofia):
    call(admin_zofia, "post", POLICIES, STANDARD)
    call(admin_zofia, "post", POLICIES, {"name": "Urgent", "first_reply_minutes": 15})

    names = [p["name"] for p in call(admin_zofia, "get", POLICIES).json()["items"]]

    assert names == ["Standard", "Urgent"]


def test_patch_changes_only_the_given_fields_and_recomputes_open_conversations(
    call, admin_zofia, luc_power_cut, run_handlers
):
    created = call(admin_zofia, "post", POLICIES, STANDARD).json()
    run_handlers()
    sla = ConversationSla.objects.get(conversation=luc_power_cut)
    assert sla.policy_id == created["id"]
    first_due = sla.first_reply_due
    assert first_due is not None

    response = call(
        admin_zofia, "patch", f"{POLICIES}/{created['id']}", {"first_reply_minutes": 120}
    )
    run_handlers()

    assert response.status_code == 200
    assert response.json()["resolution_minutes"] == 480
    sla.refresh_from_db()
    assert sla.first_reply_due == first_due + timedelta(hours=1)
    saved = Event.objects.filter(kind="sla.policy_saved").latest("id")
    assert saved.data["changed"] == ["first_reply_minutes"]


def test_editing_steps_keeps_the_ids_of_the_steps_that_stay(call, admin_zofia):
    created = call(admin_zofia, "post", POLICIES, STANDARD).json()
    first_id = created["steps"][0]["id"]

    response = call(
        admin_zofia,
        "patch",
        f"{POLICIES}/{created['id']}",
        {"steps": [{"trigger": "warning", "action": "raise_priority", "delay_minutes": 5}]},
    )

    [step] = response.json()["steps"]
    assert (step["id"], step["action"], step["delay_minutes"]) == (first_id, "raise_priority", 5)
    assert EscalationStep.objects.count() == 1


def test_delete_removes_the_policy_and_the_conversation_falls_back(
    call, admin_zofia, luc_power_cut, run_handlers
):
    created = call(admin_zofia, "post", POLICIES, STANDARD).json()
    run_handlers()

    response = call(admin_zofia, "delete", f"{POLICIES}/{created['id']}")
    run_handlers()

    assert response.status_code == 200
    assert response.json()["name"] == "Standard"
    assert not SlaPolicy.objects.exists()
    assert ConversationSla.objects.get(conversation=luc_power_cut).policy is None
    assert Event.objects.get(kind="sla.policy_deleted").data["name"] == "Standard"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"name": "No targets"}, "at least one target"),
        ({"name": "Bad", "first_reply_minutes": 0}, "must be a positive number"),
        ({"name": "Bad", "first_reply_minutes": 5, "warning_percent": 150}, "between 1 and 100"),
        ({"name": "Bad", "first_reply_minutes": 5, "channel": "fax"}, "Unknown channel"),
        ({"name": "Bad", "first_reply_minutes": 5, "team": 999999}, "No team #999999"),
        (
            {"name": "Bad", "first_reply_minutes": 5, "steps": [{"action": "reassign"}]},
            "needs a fallback team or agent",
        ),
    ],
)
def test_an_invalid_policy_is_a_422_that_says_why(call, admin_zofia, body, problem):
    response = call(admin_zofia, "post", POLICIES, body)

    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert not SlaPolicy.objects.exists()
    assert not Event.objects.filter(kind="sla.policy_saved").exists()


def test_a_duplicate_name_is_refused(call, admin_zofia):
    call(admin_zofia, "post", POLICIES, STANDARD)

    response = call(admin_zofia, "post", POLICIES, STANDARD)

    assert response.status_code == 422
    assert "already called" in response.json()["detail"]


def test_other_agents_are_refused(call, admin_zofia, agent_anna, support_team):
    policy = call(admin_zofia, "post", POLICIES, STANDARD).json()

    assert call(agent_anna, "get", POLICIES).status_code == 403
    assert call(agent_anna, "post", POLICIES, {**STANDARD, "name": "Mine"}).status_code == 403
    assert call(agent_anna, "get", f"{POLICIES}/{policy['id']}").status_code == 404
    assert call(agent_anna, "delete", f"{POLICIES}/{policy['id']}").status_code == 404
    hours = f"/api/v1/teams/{support_team.pk}/business-hours"
    assert call(agent_anna, "get", hours).status_code == 403  # her own team: she knows it
    assert SlaPolicy.objects.count() == 1


WARSAW = {
    "time_zone": "Europe/Warsaw",
    "hours": {str(day): [["09:00", "17:00"]] for day in range(5)},
    "country": "PL",
    "closures": ["2026-12-24"],
    "extra_working_days": {"2026-12-27": [["10:00", "14:00"]]},
}


def test_an_admin_sets_a_teams_business_hours(call, admin_zofia, support_team):
    url = f"/api/v1/teams/{support_team.pk}/business-hours"
    assert call(admin_zofia, "get", url).json()["configured"] is False

    response = call(admin_zofia, "put", url, WARSAW)

    assert response.status_code == 200
    hours = call(admin_zofia, "get", url).json()
    assert hours["configured"] is True
    assert hours["hours"]["0"] == [["09:00", "17:00"]]
    assert hours["closures"] == ["2026-12-24"]
    assert Event.objects.get(kind="calendars.working_hours_saved").data["team"] == support_team.pk


def test_new_business_hours_recompute_the_teams_open_conversations(
    call, admin_zofia, support_team, luc_power_cut, run_handlers
):
    call(admin_zofia, "post", POLICIES, {**STANDARD, "business_time": True})
    run_handlers()
    calendar_due = ConversationSla.objects.get(conversation=luc_power_cut).first_reply_due

    call(
        admin_zofia,
        "put",
        f"/api/v1/teams/{support_team.pk}/business-hours",
        {**WARSAW, "hours": {"6": [["09:00", "10:00"]]}, "closures": [], "extra_working_days": {}},
    )
    run_handlers()

    assert ConversationSla.objects.get(conversation=luc_power_cut).first_reply_due != calendar_due


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"time_zone": "Mars/Olympus"}, "unknown time zone"),
        ({"hours": {"0": [["09:00", "13:00"], ["12:00", "17:00"]]}}, "overlap"),
        ({"hours": {"0": [["9 am", "17:00"]]}}, "not a time of day"),
        ({"country": "JP"}, "Holidays are known for"),
        ({"closures": ["2026-12-27"]}, "both closed and extra working days"),
    ],
)
def test_invalid_business_hours_are_a_422_that_says_why(
    call, admin_zofia, support_team, change, problem
):
    url = f"/api/v1/teams/{support_team.pk}/business-hours"

    response = call(admin_zofia, "put", url, {**WARSAW, **change})

    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert call(admin_zofia, "get", url).json()["configured"] is False


def test_the_report_api_gives_the_figures_of_the_callers_teams(
    call, agent_anna, luc_power_cut, ola_invoice
):
    response = call(agent_anna, "get", "/api/v1/reports/sla?group=team&from=2024-01-01")

    assert response.status_code == 200
    body = response.json()
    assert body["group"] == "team"
    assert [row["label"] for row in body["rows"]] in ([], ["Support"])
    assert call(agent_anna, "get", "/api/v1/reports/sla?from=2026-13-01").status_code == 422
    assert call(agent_anna, "get", "/api/v1/reports/sla?group=month").status_code == 422
