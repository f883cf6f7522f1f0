"""Agents through the API: administrators list, invite and change agents (languages, time
zone, teams by id or name, administrator, deactivation); an agent reads and changes only
their own profile fields and gets their own tokens. Unknown language codes and time zones
are refused with the value named; another agent is a 404, another's admin field a 403."""

from __future__ import annotations

from klient.core.models import Event
from klient.people.models import AccountEmail, AgentProfile, ApiToken

AGENTS = "/api/v1/agents"


def test_an_admin_lists_every_agent_with_profile_teams_and_state(
    call, admin_zofia, agent_anna, agent_bruno
):
    response = call(admin_zofia, "get", AGENTS)

    assert response.status_code == 200
    agents = {a["email"]: a for a in response.json()["items"]}
    assert set(agents) == {"anna@shop.example", "bruno@shop.example", "zofia@shop.example"}
    anna = agents["anna@shop.example"]
    assert anna["languages"] == ["pl", "en"]
    assert anna["teams"] == [{"id": agent_anna.teams.get().pk, "name": "Support"}]
    assert anna["is_admin"] is False
    assert anna["active"] is True
    assert anna["password_set"] is True
    assert agents["zofia@shop.example"]["is_admin"] is True


def test_an_admin_invites_an_agent_with_teams_by_name_and_by_id(
    call, admin_zofia, support_team, billing_team
):
    response = call(
        admin_zofia,
        "post",
        AGENTS,
        {
            "email": "Kasia@Shop.example",
            "name": "Kasia Nowak",
            "language": "pl",
            "languages": ["pl", "EN"],
            "time_zone": "Europe/Warsaw",
            "teams": ["support", billing_team.pk],
        },
    )

    assert response.status_code == 201
    kasia = response.json()
    assert kasia["email"] == "kasia@shop.example"
    assert kasia["language"] == "pl"
    assert kasia["languages"] == ["pl", "en"]
    assert [t["name"] for t in kasia["teams"]] == ["Billing", "Support"]
    assert kasia["password_set"] is False
    invitation = AccountEmail.objects.get(user_id=kasia["id"])
    assert invitation.purpose == "invitation"
    assert invitation.state == "pending"
    invited = Event.objects.get(kind="agent.invited")
    assert invited.actor == admin_zofia
    assert invited.data == {"agent": kasia["id"], "account_email": invitation.pk}


def test_an_unknown_language_code_time_zone_or_team_is_refused_with_its_value(
    call, admin_zofia, support_team
):
    base = {"email": "new@shop.example"}

    language = call(admin_zofia, "post", AGENTS, {**base, "language": "xx"})
    spoken = call(admin_zofia, "post", AGENTS, {**base, "languages": ["pl", "klingon"]})
    zone = call(admin_zofia, "post", AGENTS, {**base, "time_zone": "Mars/Olympus"})
    team = call(admin_zofia, "post", AGENTS, {**base, "teams": ["Nowhere"]})

    assert language.status_code == 422
    assert "xx" in language.json()["detail"]
    assert spoken.status_code == 422
    assert "klingon" in spoken.json()["detail"]
    assert zone.status_code == 422
    assert "Mars/Olympus is not a time zone" in zone.json()["detail"]
    assert team.status_code == 422
    assert "Nowhere" in team.json()["detail"]
    assert not AgentProfile.objects.filter(user__username="new@shop.example").exists()


def test_an_address_already_used_by_an_agent_is_refused(call, admin_zofia, agent_anna):
    response = call(admin_zofia, "post", AGENTS, {"email": "ANNA@shop.example"})

    assert response.status_code == 422
    assert "already exists" in response.json()["detail"]


def test_an_admin_changes_an_agents_languages_time_zone_teams_and_rights(
    call, admin_zofia, agent_anna, billing_team
):
    response = call(
        admin_zofia,
        "patch",
        f"{AGENTS}/{agent_anna.pk}",
        {
            "languages": ["de"],
            "time_zone": "Europe/Berlin",
            "teams": [str(billing_team.pk)],
            "is_admin": True,
        },
    )

    assert response.status_code == 200
    anna = response.json()
    assert anna["languages"] == ["de"]
    assert anna["time_zone"] == "Europe/Berlin"
    assert [t["name"] for t in anna["teams"]] == ["Billing"]
    assert anna["is_admin"] is True
    updated = Event.objects.get(kind="agent.updated")
    assert set(updated.data["changed"]) == {"languages", "time_zone", "is_admin"}
    assert Event.objects.filter(kind="team.members_changed").count() == 2


def test_deactivating_keeps_the_agent_and_ends_their_tokens(
    call, admin_zofia, agent_anna, support_team, luc_power_cut
):
    from klient.conversations.actions import update_conversation
    from klient.core import wiring

    call(admin_zofia, "patch", f"/api/v1/teams/{support_team.pk}", {"lead": agent_anna.pk})
    update_conversation(luc_power_cut, actor=admin_zofia, assignee=agent_anna)

    response = call(admin_zofia, "patch", f"{AGENTS}/{agent_anna.pk}", {"active": False})
    wiring.dispatch_pending()

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert not ApiToken.objects.filter(user=agent_anna).exists()
    assert call(agent_anna, "get", f"{AGENTS}/{agent_anna.pk}").status_code == 401
    support_team.refresh_from_db()
    assert support_team.lead is None
    luc_power_cut.refresh_from_db()
    assert luc_power_cut.assignee is None  # back in the team's queue
    assert luc_power_cut.messages.exists()  # history stays
    deactivated = Event.objects.get(kind="agent.deactivated")
    assert deactivated.data["tokens_revoked"] == 1
    assert deactivated.data["no_longer_leads"] == [support_team.pk]

    again = call(admin_zofia, "patch", f"{AGENTS}/{agent_anna.pk}", {"active": True})

    assert again.json()["active"] is True
    assert Event.objects.filter(kind="agent.reactivated").count() == 1


def test_an_admin_cannot_deactivate_themself_nor_drop_their_own_rights(call, admin_zofia):
    off = call(admin_zofia, "patch", f"{AGENTS}/{admin_zofia.pk}", {"active": False})
    demoted = call(admin_zofia, "patch", f"{AGENTS}/{admin_zofia.pk}", {"is_admin": False})

    assert off.status_code == 422
    assert "deactivate yourself" in off.json()["detail"]
    assert demoted.status_code == 422
    admin_zofia.refresh_from_db()
    assert admin_zofia.is_active and admin_zofia.is_staff


def test_an_agent_changes_their_own_profile_fields(call, agent_anna):
    response = call(
        agent_anna,
        "patch",
        f"{AGENTS}/{agent_anna.pk}",
        {"name": "Anna Kowal", "language": "pl", "time_zone": "Europe/Paris", "signature": "A."},
    )

    assert response.status_code == 200
    anna = response.json()
    assert (anna["name"], anna["language"], anna["time_zone"], anna["signature"]) == (
        "Anna Kowal",
        "pl",
        "Europe/Paris",
        "A.",
    )
    assert call(agent_anna, "get", f"{AGENTS}/{agent_anna.pk}").json()["name"] == "Anna Kowal"


def test_an_agent_gets_403_for_admin_fields_of_their_own_and_for_the_list(
    call, agent_anna, billing_team
):
    rights = call(agent_anna, "patch", f"{AGENTS}/{agent_anna.pk}", {"is_admin": True})
    teams = call(agent_anna, "patch", f"{AGENTS}/{agent_anna.pk}", {"teams": ["Billing"]})
    listing = call(agent_anna, "get", AGENTS)
    inviting = call(agent_anna, "post", AGENTS, {"email": "friend@shop.example"})

    assert rights.status_code == 403
    assert "is_admin" in rights.json()["detail"]
    assert teams.status_code == 403
    assert listing.status_code == 403
    assert inviting.status_code == 403
    agent_anna.refresh_from_db()
    assert not agent_anna.is_staff


def test_another_agent_is_a_404_like_an_unknown_one(call, agent_anna, agent_bruno, admin_zofia):
    assert call(agent_anna, "get", f"{AGENTS}/{agent_bruno.pk}").status_code == 404
    assert call(agent_anna, "patch", f"{AGENTS}/{agent_bruno.pk}", {"name": "X"}).status_code == 404
    assert call(agent_anna, "post", f"{AGENTS}/{agent_bruno.pk}/tokens").status_code == 404
    assert call(admin_zofia, "get", f"{AGENTS}/999999").status_code == 404


def test_an_agent_or_an_admin_gets_a_working_token(call, agent_anna, admin_zofia):
    own = call(agent_anna, "post", f"{AGENTS}/{agent_anna.pk}/tokens", {"label": "script"})
    given = call(admin_zofia, "post", f"{AGENTS}/{agent_anna.pk}/tokens")

    assert own.status_code == 201
    assert given.status_code == 201
    for token in (own.json()["token"], given.json()["token"]):
        me = call(agent_anna, "get", f"{AGENTS}/{agent_anna.pk}", token=token)
        assert me.status_code == 200
    issued = Event.objects.filter(kind="agent.token_issued").order_by("id")
    assert [e.actor for e in issued] == [agent_anna, admin_zofia]
    assert issued[0].data["label"] == "script"
    assert own.json()["token"] not in str(issued[0].data)


def test_a_deactivated_agent_gets_no_new_token(call, admin_zofia, agent_bruno):
    call(admin_zofia, "patch", f"{AGENTS}/{agent_bruno.pk}", {"active": False})

    response = call(admin_zofia, "post", f"{AGENTS}/{agent_bruno.pk}/tokens")

    assert response.status_code == 422
    assert "deactivated" in response.json()["detail"]


def test_the_agent_list_costs_the_same_queries_for_any_number_of_agents(
    call, admin_zofia, agent_anna, agent_bruno, django_assert_max_num_queries
):
    from klient.people.actions import create_agent

    for number in range(5):
        create_agent(f"agent{number}@shop.example", teams=list(agent_anna.teams.all()))

    with django_assert_max_num_queries(6):
        response = call(admin_zofia, "get", AGENTS)

    assert len(response.json()["items"]) == 8
