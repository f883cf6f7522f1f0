"""/api/v1/routing/rules and /api/v1/routing/preview: administrators order the rules and
ask who would get a conversation, without assigning anything."""

from klient.core.models import Event
from klient.routing.models import RoutingRule


def test_an_administrator_adds_lists_changes_and_deletes_rules(call, admin_zofia, support_team):
    created = call(
        admin_zofia,
        "post",
        "/api/v1/routing/rules",
        {
            "name": "French chats",
            "channels": ["chat"],
            "languages": ["fr"],
            "strategy": "round_robin",
        },
    )
    assert created.status_code == 201
    rule = created.json()
    assert (rule["position"], rule["strategy"], rule["teams"]) == (0, "round_robin", [])

    second = call(admin_zofia, "post", "/api/v1/routing/rules", {"name": "Everything else"})
    assert second.json()["position"] == 1
    listed = call(admin_zofia, "get", "/api/v1/routing/rules").json()["items"]
    assert [r["name"] for r in listed] == ["French chats", "Everything else"]

    changed = call(
        admin_zofia, "patch", f"/api/v1/routing/rules/{rule['id']}", {"pick_team": support_team.pk}
    )
    assert changed.json()["pick_team"] == support_team.pk
    assert call(admin_zofia, "delete", f"/api/v1/routing/rules/{rule['id']}").status_code == 204
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Everything else"]
    assert Event.objects.filter(kind="routing.rule_saved").count() == 3
    assert Event.objects.filter(kind="routing.rule_deleted").count() == 1


def test_a_rule_with_an_unknown_channel_or_team_is_refused(call, admin_zofia):
    bad_channel = call(
        admin_zofia, "post", "/api/v1/routing/rules", {"name": "Fax", "channels": ["fax"]}
    )
    bad_team = call(admin_zofia, "post", "/api/v1/routing/rules", {"name": "X", "teams": [999]})

    assert bad_channel.status_code == 422 and "fax" in bad_channel.json()["detail"]
    assert bad_team.status_code == 422 and "999" in bad_team.json()["detail"]
    assert not RoutingRule.objects.exists()


def test_agents_who_are_not_administrators_cannot_see_the_rules(call, agent_anna):
    assert call(agent_anna, "get", "/api/v1/routing/rules").status_code == 403
    preview = {"team": "Support", "channel": "email"}
    assert call(agent_anna, "post", "/api/v1/routing/preview", preview).status_code == 403


def test_the_preview_names_the_owner_first_and_the_candidates(
    call, admin_zofia, agent_anna, luc_power_cut, support_team
):
    from klient.people.ownership import set_customer_owner

    set_customer_owner(luc_power_cut.customer, agent_anna, actor=None)

    response = call(
        admin_zofia,
        "post",
        "/api/v1/routing/preview",
        {"team": "Support", "channel": "email", "customer": luc_power_cut.customer.pk},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["agent"]["id"] == agent_anna.pk
    assert (body["reason_code"], body["reason"]) == (
        "owner",
        "you are the customer's personal owner",
    )
    assert [c["id"] for c in body["candidates"]] == [agent_anna.pk]
    assert luc_power_cut.assignee is None  # nothing assigned


def test_the_preview_for_real_time_work_skips_agents_without_a_live_workspace(
    call, admin_zofia, agent_anna, support_team
):
    response = call(
        admin_zofia, "post", "/api/v1/routing/preview", {"team": "Support", "channel": "chat"}
    )

    assert response.json()["agent"] is None
    assert response.json()["reason_code"] == "nobody"


def test_an_administrator_sets_an_agents_skills_and_capacity(call, admin_zofia, agent_anna):
    response = call(
        admin_zofia,
        "patch",
        f"/api/v1/agents/{agent_anna.pk}/routing",
        {"skills": ["Mortgage", "cards", "mortgage"], "capacity": 1.5},
    )

    assert response.status_code == 200
    assert response.json()["skills"] == ["mortgage", "cards"]
    assert response.json()["capacity"] == 1.5
    assert (
        call(
            admin_zofia, "patch", f"/api/v1/agents/{agent_anna.pk}/routing", {"capacity": -1}
        ).status_code
        == 422
    )


def test_channel_weights_change_and_the_others_keep_their_defaults(call, admin_zofia):
    response = call(admin_zofia, "put", "/api/v1/routing/weights", {"weights": {"chat": 0.5}})

    assert response.status_code == 200
    assert response.json()["weights"]["chat"] == 0.5
    assert response.json()["weights"]["phone"] == 1.0
    refused = call(admin_zofia, "put", "/api/v1/routing/weights", {"weights": {"fax": 1}})
    assert refused.status_code == 422
