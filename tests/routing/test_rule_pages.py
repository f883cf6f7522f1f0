"""Zofia, the bank's administrator, keeps the routing rules in the app: she opens a rule,
changes what it matches and whom it picks, switches it off, and moves rules up and down
the order they are tried in. Agents cannot."""

from __future__ import annotations

from django.urls import reverse

from klient.core.models import Event
from klient.routing.models import RoutingRule
from klient.routing.rules import create_rule


def names_in_order() -> list[str]:
    return list(RoutingRule.objects.order_by("position", "id").values_list("name", flat=True))


def test_an_administrator_edits_a_rule_and_what_the_page_does_not_show_is_kept(
    client, admin_zofia, bank_team
):
    rule = create_rule(
        actor=None, name="Chats", channels=["chat"], tiers=["premium"], strategy="round_robin"
    )
    client.force_login(admin_zofia)
    url = reverse("administration:rule_edit", args=[rule.pk])

    form = client.get(url).content.decode()
    assert 'value="Chats"' in form
    assert 'value="chat" checked' in form
    assert 'value="round_robin" selected' in form

    response = client.post(
        url,
        {
            "name": "Polish chats and calls",
            "channels": ["chat", "phone"],
            "languages": "pl",
            "pick_team": str(bank_team.pk),
            "strategy": "least_load",
        },
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.channels, rule.languages, rule.pick_team, rule.strategy) == (
        "Polish chats and calls",
        ["chat", "phone"],
        ["pl"],
        bank_team,
        "least_load",
    )
    assert rule.tiers == ["premium"]  # set through the API, not on the page: kept
    assert rule.active is False  # the box was left unticked: switched off
    assert Event.objects.filter(kind="routing.rule_saved", data__rule=rule.pk).count() == 2


def test_an_edit_without_a_name_is_refused_and_the_rule_unchanged(client, admin_zofia):
    rule = create_rule(actor=None, name="Chats", channels=["chat"])
    client.force_login(admin_zofia)

    response = client.post(
        reverse("administration:rule_edit", args=[rule.pk]),
        {"name": " ", "strategy": "least_load", "active": "on"},
    )

    assert response.status_code == 200
    assert "A rule needs a name." in response.content.decode()
    rule.refresh_from_db()
    assert (rule.name, rule.strategy) == ("Chats", "owner_first")


def test_an_administrator_moves_rules_up_and_down_the_order(client, admin_zofia):
    for name in ("VIP", "Chats", "Calls"):
        create_rule(actor=None, name=name)
    calls = RoutingRule.objects.get(name="Calls")
    vip = RoutingRule.objects.get(name="VIP")
    client.force_login(admin_zofia)

    client.post(reverse("administration:rule_move", args=[calls.pk]), {"to": "up"})
    assert names_in_order() == ["VIP", "Calls", "Chats"]
    client.post(reverse("administration:rule_move", args=[vip.pk]), {"to": "down"})
    assert names_in_order() == ["Calls", "VIP", "Chats"]
    client.post(reverse("administration:rule_move", args=[calls.pk]), {"to": "up"})
    assert names_in_order() == ["Calls", "VIP", "Chats"]  # first already: stays

    page = client.get(reverse("administration:routing")).content.decode()
    assert page.index("Calls") < page.index("VIP") < page.index("Chats")
    assert 'aria-label="Try Calls later"' in page
    assert 'aria-label="Try Calls earlier"' not in page  # the first rule has no "up"


def test_rules_with_the_same_position_still_move_one_place(admin_zofia):
    from klient.routing.rules import move_rule

    first = create_rule(actor=None, name="A", position=5)
    second = create_rule(actor=None, name="B", position=5)

    move_rule(second, actor=admin_zofia, by=-1)

    assert names_in_order() == ["B", "A"]
    first.refresh_from_db()
    assert first.position == 1


def test_agents_cannot_edit_or_move_rules(client, anna):
    rule = create_rule(actor=None, name="Chats")
    client.force_login(anna)

    assert client.get(reverse("administration:rule_edit", args=[rule.pk])).status_code == 403
    moved = client.post(reverse("administration:rule_move", args=[rule.pk]), {"to": "up"})
    assert moved.status_code == 403
    edited = client.post(
        reverse("administration:rule_edit", args=[rule.pk]), {"name": "Mine", "strategy": "x"}
    )
    assert edited.status_code == 403
    rule.refresh_from_db()
    assert rule.name == "Chats"
