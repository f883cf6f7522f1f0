"""An agent's own profile page: name, language (the pages follow it), time zone, signature,
password (this session stays, the old password stops working) and an API token."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from klient.core.models import Event
from klient.people.models import AgentProfile, ApiToken


def test_the_profile_is_reached_from_the_agents_name_in_the_top_bar(anna_client):
    html = anna_client.get(reverse("workspace:inbox")).text

    assert f'href="{reverse("administration:profile")}"' in html


def test_an_agent_saves_their_language_time_zone_and_signature(anna_client, agent_anna):
    response = anna_client.post(
        reverse("administration:profile"),
        {
            "name": "Anna Kowal",
            "language": "pl",
            "time_zone": "Europe/Paris",
            "signature": "Anna, Support",
        },
    )

    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=agent_anna)
    assert (profile.language, profile.time_zone, profile.signature) == (
        "pl",
        "Europe/Paris",
        "Anna, Support",
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    assert "Twój profil" in anna_client.get(reverse("administration:profile")).text
    assert Event.objects.get(kind="agent.updated").actor == agent_anna


def test_a_time_zone_that_does_not_exist_is_refused(anna_client, agent_anna):
    response = anna_client.post(
        reverse("administration:profile"), {"language": "", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    assert AgentProfile.objects.get(user=agent_anna).time_zone == "Europe/Warsaw"


def test_changing_the_password_keeps_this_session_and_ends_the_old_password(
    anna_client, agent_anna
):
    other = Client()
    other.force_login(agent_anna)

    response = anna_client.post(
        reverse("administration:change_password"),
        {
            "old_password": "correct horse battery",
            "new_password1": "a brand new secret",
            "new_password2": "a brand new secret",
        },
    )

    assert response.status_code == 302
    assert anna_client.get(reverse("workspace:inbox")).status_code == 200
    assert other.get(reverse("workspace:inbox")).status_code == 302  # signed out
    assert Client().login(username="anna@shop.example", password="a brand new secret")
    assert Event.objects.get(kind="agent.password_set").data["via"] == "profile"


def test_a_wrong_old_password_changes_nothing(anna_client):
    response = anna_client.post(
        reverse("administration:change_password"),
        {
            "old_password": "not it",
            "new_password1": "a brand new secret",
            "new_password2": "a brand new secret",
        },
    )

    assert response.status_code == 200
    assert response.context["password_form"].errors["old_password"]
    assert Client().login(username="anna@shop.example", password="correct horse battery")


def test_an_agent_makes_an_api_token_shown_once(anna_client, agent_anna, client):
    response = anna_client.post(reverse("administration:new_token"))

    token = response.context["token"]
    assert token in response.text
    assert ApiToken.objects.filter(user=agent_anna).count() == 2
    me = client.get(f"/api/v1/agents/{agent_anna.pk}", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_the_sign_in_page_offers_forgot_password(db):
    html = Client().get(reverse("workspace:login")).text

    assert f'href="{reverse("administration:forgot_password")}"' in html
