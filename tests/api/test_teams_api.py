"""Teams through the API: administrators list, create and change teams (name, addresses,
members, lead, acknowledgement), a team given by id or by name; every change is an event,
a refused one changes nothing and says why; other agents get 403 for the list and for
creating, 404 for a team by id or name."""

from __future__ import annotations

from klient.core.models import Event
from klient.people.models import Endpoint, Team
from klient.people.queries import team_for_email

TEAMS = "/api/v1/teams"


def test_an_admin_lists_the_teams_with_addresses_members_and_lead(
    call, admin_zofia, agent_anna, agent_bruno
):
    response = call(admin_zofia, "get", TEAMS)

    assert response.status_code == 200
    teams = {t["name"]: t for t in response.json()["items"]}
    assert list(teams) == ["Billing", "Support"]
    assert teams["Support"]["addresses"] == ["support@shop.example"]
    assert [m["email"] for m in teams["Support"]["members"]] == ["anna@shop.example"]
    assert teams["Billing"]["lead"] is None


def test_an_admin_creates_a_team_with_addresses_members_and_a_lead(call, admin_zofia, agent_anna):
    response = call(
        admin_zofia,
        "post",
        TEAMS,
        {
            "name": "Sales",
            "addresses": ["Sales@Shop.example", "offers@shop.example"],
            "members": [agent_anna.pk],
            "lead": agent_anna.pk,
            "acknowledge": True,
        },
    )

    assert response.status_code == 201
    team = response.json()
    assert team["addresses"] == ["sales@shop.example", "offers@shop.example"]
    assert [m["id"] for m in team["members"]] == [agent_anna.pk]
    assert team["lead"]["id"] == agent_anna.pk
    assert team["acknowledge"] is True
    sales = Team.objects.get(pk=team["id"])
    assert sales.inbound_address == "sales@shop.example"
    assert team_for_email("offers@shop.example") == sales.pk
    kinds = list(Event.objects.filter(data__team=sales.pk).values_list("kind", flat=True))
    assert kinds[0] == "team.created"
    assert {"team.endpoint_added", "team.members_changed", "team.updated"} <= set(kinds)


def test_patch_by_name_changes_the_primary_address_and_drops_one_no_longer_listed(
    call, admin_zofia, support_team
):
    call(
        admin_zofia,
        "patch",
        f"{TEAMS}/{support_team.pk}",
        {"addresses": ["support@shop.example", "help@shop.example"]},
    )

    response = call(admin_zofia, "patch", f"{TEAMS}/support", {"addresses": ["help@shop.example"]})

    assert response.status_code == 200
    assert response.json()["addresses"] == ["help@shop.example"]
    support_team.refresh_from_db()
    assert support_team.inbound_address == "help@shop.example"
    assert list(support_team.endpoints.values_list("value", flat=True)) == ["help@shop.example"]
    assert team_for_email("support@shop.example") is None
    removed = Event.objects.get(kind="team.endpoint_removed")
    assert removed.data["value"] == "support@shop.example"
    assert removed.actor == admin_zofia


def test_patch_by_id_renames_and_sets_members_and_lead(
    call, admin_zofia, support_team, agent_anna, agent_bruno
):
    response = call(
        admin_zofia,
        "patch",
        f"{TEAMS}/{support_team.pk}",
        {"name": "Customer care", "members": [agent_bruno.pk], "lead": agent_bruno.pk},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Customer care"
    assert [m["id"] for m in body["members"]] == [agent_bruno.pk]
    assert body["lead"]["id"] == agent_bruno.pk
    change = Event.objects.get(kind="team.members_changed", data__team=support_team.pk)
    assert change.data == {
        "team": support_team.pk,
        "added": [agent_bruno.pk],
        "removed": [agent_anna.pk],
    }
    updated = Event.objects.get(kind="team.updated")
    assert set(updated.data["changed"]) == {"name", "lead"}


def test_a_lead_of_null_removes_the_lead(call, admin_zofia, support_team, agent_anna):
    call(admin_zofia, "patch", f"{TEAMS}/{support_team.pk}", {"lead": agent_anna.pk})

    response = call(admin_zofia, "patch", f"{TEAMS}/{support_team.pk}", {"lead": None})

    assert response.json()["lead"] is None
    assert Team.objects.get(pk=support_team.pk).lead is None


def test_an_address_of_another_team_is_refused_whatever_its_case(
    call, admin_zofia, support_team, billing_team
):
    response = call(
        admin_zofia,
        "patch",
        f"{TEAMS}/{support_team.pk}",
        {"name": "Renamed", "addresses": ["support@shop.example", "BILLING@shop.example"]},
    )

    assert response.status_code == 422
    assert "billing@shop.example already belongs to a team (Billing)" in response.json()["detail"]
    assert Team.objects.get(pk=support_team.pk).name == "Support"
    assert not Endpoint.objects.filter(team=support_team, value="billing@shop.example").exists()


def test_an_address_listed_twice_or_none_at_all_is_refused(call, admin_zofia, support_team):
    twice = call(
        admin_zofia,
        "post",
        TEAMS,
        {"name": "Sales", "addresses": ["sales@shop.example", "SALES@shop.example"]},
    )
    none = call(admin_zofia, "post", TEAMS, {"name": "Sales", "addresses": []})
    broken = call(admin_zofia, "post", TEAMS, {"name": "Sales", "addresses": ["not an address"]})

    assert twice.status_code == 422
    assert "listed twice" in twice.json()["detail"]
    assert none.status_code == 422
    assert "at least one email address" in none.json()["detail"]
    assert broken.status_code == 422
    assert "not an email address" in broken.json()["detail"]
    assert not Team.objects.filter(name="Sales").exists()


def test_a_duplicate_name_and_an_unknown_member_are_refused(call, admin_zofia, support_team):
    duplicate = call(
        admin_zofia, "post", TEAMS, {"name": "support", "addresses": ["other@shop.example"]}
    )
    unknown = call(admin_zofia, "patch", f"{TEAMS}/{support_team.pk}", {"members": [999999]})

    assert duplicate.status_code == 422
    assert "already exists" in duplicate.json()["detail"]
    assert unknown.status_code == 422
    assert "999999" in unknown.json()["detail"]


def test_a_deactivated_agent_cannot_join_or_lead_a_team(
    call, admin_zofia, support_team, agent_bruno
):
    call(admin_zofia, "patch", f"/api/v1/agents/{agent_bruno.pk}", {"active": False})

    joining = call(admin_zofia, "patch", f"{TEAMS}/support", {"members": [agent_bruno.pk]})
    leading = call(admin_zofia, "patch", f"{TEAMS}/support", {"lead": agent_bruno.pk})

    assert joining.status_code == 422
    assert "deactivated" in joining.json()["detail"]
    assert leading.status_code == 422


def test_an_unknown_team_is_a_404_by_id_and_by_name(call, admin_zofia, support_team):
    assert call(admin_zofia, "get", f"{TEAMS}/999999").status_code == 404
    assert call(admin_zofia, "patch", f"{TEAMS}/Nobody", {"acknowledge": True}).status_code == 404
    assert call(admin_zofia, "get", f"{TEAMS}/SUPPORT").json()["id"] == support_team.pk


def test_other_agents_get_403_for_the_list_creating_and_their_team_and_404_for_another(
    call, agent_anna, agent_bruno, support_team
):
    listing = call(agent_anna, "get", TEAMS)
    creating = call(agent_anna, "post", TEAMS, {"name": "Mine", "addresses": ["m@shop.example"]})
    patching = call(agent_anna, "patch", f"{TEAMS}/support", {"name": "Mine"})
    reading = call(agent_anna, "get", f"{TEAMS}/{support_team.pk}")
    from_billing = call(agent_bruno, "patch", f"{TEAMS}/support", {"name": "Mine"})

    assert listing.status_code == 403
    assert creating.status_code == 403
    assert patching.status_code == reading.status_code == 403  # Anna is in Support
    assert from_billing.status_code == 404  # Bruno is not: to him it may as well not exist
    assert not Team.objects.filter(name="Mine").exists()
    assert Team.objects.get(pk=support_team.pk).name == "Support"


def test_the_team_list_costs_the_same_queries_for_any_number_of_teams(
    call, admin_zofia, agent_anna, django_assert_max_num_queries
):
    from klient.people.actions import create_team

    for number in range(5):
        create_team(f"Team {number}", address=f"team{number}@shop.example")

    with django_assert_max_num_queries(6):
        response = call(admin_zofia, "get", TEAMS)

    assert len(response.json()["items"]) == 6
