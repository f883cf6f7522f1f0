"""The settings pages: administrators manage teams, addresses, members and agents without
the Django admin; every other agent gets 403; a refusal is shown on its field and changes
nothing; the pages read in the agent's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klient.people.models import AccountEmail, Team

SETTINGS_PAGES = [
    "administration:teams",
    "administration:team_new",
    "administration:agents",
    "administration:agent_invite",
]


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_another_agent_gets_403_on_every_settings_page(anna_client, name):
    assert anna_client.get(reverse(name)).status_code == 403


def test_another_agent_cannot_change_a_team_or_an_agent_by_posting(
    anna_client, support_team, agent_bruno
):
    team = anna_client.post(
        reverse("administration:team", args=[support_team.pk]),
        {"name": "Mine", "addresses": "support@shop.example"},
    )
    deactivate = anna_client.post(
        reverse("administration:agent_active", args=[agent_bruno.pk]), {"active": "0"}
    )

    assert team.status_code == deactivate.status_code == 403
    assert Team.objects.get(pk=support_team.pk).name == "Support"
    agent_bruno.refresh_from_db()
    assert agent_bruno.is_active


def test_the_settings_link_is_shown_to_administrators_only(zofia_client, anna_client):
    settings_url = reverse("administration:settings")

    assert f'href="{settings_url}"' in zofia_client.get(reverse("workspace:inbox")).text
    assert f'href="{settings_url}"' not in anna_client.get(reverse("workspace:inbox")).text


def test_an_admin_creates_a_team_with_two_addresses_and_members(zofia_client, agent_anna):
    response = zofia_client.post(
        reverse("administration:team_new"),
        {
            "name": "Sales",
            "addresses": "sales@shop.example\nOffers@shop.example",
            "members": [agent_anna.pk],
            "lead": agent_anna.pk,
            "acknowledge": "on",
        },
    )

    assert response.status_code == 302
    sales = Team.objects.get(name="Sales")
    assert sales.inbound_address == "sales@shop.example"
    assert set(sales.endpoints.values_list("value", flat=True)) == {
        "sales@shop.example",
        "offers@shop.example",
    }
    assert list(sales.members.all()) == [agent_anna]
    assert sales.lead == agent_anna
    page = zofia_client.get(reverse("administration:teams")).text
    assert "offers@shop.example" in page


def test_an_address_of_another_team_is_shown_on_its_field_and_nothing_changes(
    zofia_client, support_team, billing_team
):
    response = zofia_client.post(
        reverse("administration:team", args=[support_team.pk]),
        {"name": "Renamed", "addresses": "support@shop.example\nbilling@shop.example"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "billing@shop.example already belongs to a team (Billing)" in form.errors["addresses"][0]
    assert Team.objects.get(pk=support_team.pk).name == "Support"


def test_an_admin_invites_an_agent_and_the_invitation_is_queued(zofia_client, support_team):
    response = zofia_client.post(
        reverse("administration:agent_invite"),
        {
            "email": "kasia@shop.example",
            "name": "Kasia Nowak",
            "language": "pl",
            "languages": "pl, uk",
            "time_zone": "Europe/Warsaw",
            "teams": [support_team.pk],
        },
    )

    assert response.status_code == 302
    row = AccountEmail.objects.get()
    assert (row.email, row.purpose) == ("kasia@shop.example", "invitation")
    assert row.user.agent.languages == ["pl", "uk"]
    assert list(row.user.teams.all()) == [support_team]
    listing = zofia_client.get(reverse("administration:agents")).text
    assert "Kasia Nowak" in listing
    assert "invited" in listing


def test_an_unknown_spoken_language_is_shown_on_its_field(zofia_client):
    response = zofia_client.post(
        reverse("administration:agent_invite"),
        {"email": "kasia@shop.example", "languages": "pl, elvish", "time_zone": "Europe/Warsaw"},
    )

    assert response.status_code == 200
    assert "elvish" in response.context["form"].errors["languages"][0]
    assert not AccountEmail.objects.exists()


def test_an_admin_deactivates_and_reactivates_an_agent(zofia_client, agent_bruno):
    url = reverse("administration:agent_active", args=[agent_bruno.pk])

    zofia_client.post(url, {"active": "0"})
    agent_bruno.refresh_from_db()
    assert not agent_bruno.is_active
    page = zofia_client.get(reverse("administration:agent", args=[agent_bruno.pk])).text
    assert "Reactivate" in page

    zofia_client.post(url, {"active": "1"})
    agent_bruno.refresh_from_db()
    assert agent_bruno.is_active


def test_a_deactivated_agents_session_ends(zofia_client, agent_bruno):
    bruno = Client()
    bruno.force_login(agent_bruno)
    assert bruno.get(reverse("workspace:inbox")).status_code == 200

    zofia_client.post(
        reverse("administration:agent_active", args=[agent_bruno.pk]), {"active": "0"}
    )

    assert bruno.get(reverse("workspace:inbox")).status_code == 302  # to the sign-in page


def test_an_admin_cannot_deactivate_themself_from_the_page(zofia_client, admin_zofia):
    response = zofia_client.post(
        reverse("administration:agent_active", args=[admin_zofia.pk]), {"active": "0"}, follow=True
    )

    admin_zofia.refresh_from_db()
    assert admin_zofia.is_active
    assert "You cannot deactivate yourself." in response.text


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Zespoły i adresy", "Nowy zespół", "Ustawienia"]),
        ("uk", ["Команди й адреси", "Нова команда", "Налаштування"]),
    ],
)
def test_the_settings_read_in_the_agents_language(zofia_client, support_team, language, texts):
    html = zofia_client.get(
        reverse("administration:teams"), headers={"accept-language": language}
    ).text

    assert all(text in html for text in texts), [t for t in texts if t not in html]
