"""Absences with a substitute in the app: an agent plans hers on her profile; an
administrator or a lead of one of her teams plans them for her; nobody else sees them.
The routing settings page previews who would get a conversation."""

from django.urls import reverse

from klient.people.models import Absence, Team


def test_an_agent_records_an_absence_with_a_substitute_on_her_profile(client, anna, piotr):
    client.force_login(anna)

    response = client.post(
        reverse("administration:absences"),
        {
            "starts_at": "2027-03-01T08:00",
            "ends_at": "2027-03-12T09:00",
            "substitute": f"agent:{piotr.pk}",
            "reason": "Urlop",
        },
    )

    assert response.status_code == 302
    absence = Absence.objects.get(agent=anna)
    assert absence.substitute_agent == piotr
    assert absence.ends_at.isoformat() == "2027-03-12T08:00:00+00:00"  # Warsaw time entered
    page = client.get(reverse("administration:absences")).content.decode()
    assert "Piotr Nowak" in page and "2027-03-12 09:00" in page


def test_a_team_lead_sees_and_plans_her_agents_absences_and_others_cannot(
    client, anna, piotr, ewa, bank_team
):
    Team.objects.filter(pk=bank_team.pk).update(lead=ewa)
    url = reverse("administration:agent_absences", args=[anna.pk])

    client.force_login(ewa)
    own_page = client.get(reverse("administration:absences")).content.decode()
    assert f'href="{url}"' in own_page  # her team's agents, from her own absences page
    assert client.get(url).status_code == 200
    client.force_login(piotr)
    assert client.get(url).status_code == 404


def test_the_routing_settings_page_previews_who_would_get_it(
    client, admin_zofia, anna, bank_team, mrs_zielinska
):
    client.force_login(admin_zofia)

    response = client.post(
        reverse("administration:routing"),
        {"team": bank_team.pk, "channel": "email", "customer": mrs_zielinska.pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Anna Kowalska</strong> — you are the customer&#x27;s personal owner" in html


def test_an_administrator_adds_and_deletes_a_rule_on_the_routing_page(
    client, admin_zofia, bank_team
):
    from klient.routing.models import RoutingRule

    client.force_login(admin_zofia)
    response = client.post(
        reverse("administration:routing"),
        {
            "form": "rule",
            "name": "Chats in Polish",
            "channels": ["chat"],
            "languages": "PL",
            "pick_team": str(bank_team.pk),
            "strategy": "round_robin",
        },
    )

    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.channels, rule.languages, rule.pick_team, rule.strategy) == (
        ["chat"],
        ["pl"],
        bank_team,
        "round_robin",
    )
    assert "Chats in Polish" in client.get(reverse("administration:routing")).content.decode()
    client.post(reverse("administration:rule_delete", args=[rule.pk]))
    assert not RoutingRule.objects.exists()
