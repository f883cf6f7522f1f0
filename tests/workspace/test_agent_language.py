"""An agent who chose a language (AgentProfile.language) reads every page in it, whatever
the browser says; choosing one in the header's selector makes it theirs, for the pages and
for their notifications' emails."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from klient.people.actions import set_agent_language
from klient.people.languages import reader_language

INBOX = reverse("workspace:inbox")
SET_LANGUAGE = reverse("workspace:set_language")
GERMAN_BROWSER = {"accept-language": "de-DE,de;q=0.9"}


def test_the_agents_language_beats_the_browsers(agent_anna, anna_client):
    set_agent_language(agent_anna, "pl", actor=agent_anna)

    response = anna_client.get(INBOX, headers=GERMAN_BROWSER)

    html = response.content.decode()
    assert '<html lang="pl"' in html
    assert "Skrzynka odbiorcza" in html and "Posteingang" not in html
    assert '<option value="pl" lang="pl" selected>' in html
    assert response["Content-Language"] == "pl"


def test_without_a_choice_the_browser_decides(anna_client):
    html = anna_client.get(INBOX, headers=GERMAN_BROWSER).content.decode()

    assert '<html lang="de"' in html and "Posteingang" in html


def test_the_selector_makes_the_choice_the_agents_own(agent_anna, anna_client, client):
    response = anna_client.post(SET_LANGUAGE, {"language": "uk", "next": INBOX})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    agent_anna.refresh_from_db()
    assert agent_anna.agent.language == "uk"
    assert reader_language(agent_anna) == "uk"  # her notification emails too

    # Another browser, without the cookie: still Ukrainian once she signs in there.
    client.force_login(agent_anna)
    html = client.get(INBOX, headers=GERMAN_BROWSER).content.decode()
    assert '<html lang="uk"' in html


def test_an_unknown_choice_changes_neither_cookie_nor_profile(agent_anna, anna_client):
    set_agent_language(agent_anna, "pl", actor=agent_anna)

    response = anna_client.post(SET_LANGUAGE, {"language": "es", "next": INBOX})

    assert response.status_code == 302
    agent_anna.refresh_from_db()
    assert agent_anna.agent.language == "pl"


def test_the_sign_in_page_keeps_the_cookie_only(client, db):
    response = client.post(SET_LANGUAGE, {"language": "fr", "next": "/sign-in/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert "Connexion à Klient" in client.get("/sign-in/").content.decode()
