"""reader_language(user, request=None): the language Klient writes to someone in — the
agent's own choice, else (on screen) the browser's, else English — and setting it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from klient.core.models import Event
from klient.people.actions import set_agent_language
from klient.people.languages import chosen_language, reader_language, supported_language
from klient.people.models import AgentProfile


def browser(accept_language: str = "", cookie: str = ""):
    request = RequestFactory().get("/", headers={"accept-language": accept_language})
    if cookie:
        request.COOKIES["django_language"] = cookie
    return request


def choose(user, language: str) -> None:
    AgentProfile.objects.filter(user=user).update(language=language)
    user.refresh_from_db()  # drops the cached profile


def test_the_agents_own_choice_comes_before_the_browser(agent_anna):
    choose(agent_anna, "pl")

    assert reader_language(agent_anna) == "pl"
    assert reader_language(agent_anna, browser("de-DE,de;q=0.9", cookie="fr")) == "pl"


def test_without_a_choice_the_screen_follows_the_browser_and_email_english(agent_anna):
    """Anna speaks Polish with customers (languages), but chose no UI language."""
    assert agent_anna.agent.languages == ["pl", "en"]

    assert reader_language(agent_anna, browser("pl-PL,pl;q=0.9,en;q=0.5")) == "pl"
    assert reader_language(agent_anna, browser("de-AT")) == "de"
    assert reader_language(agent_anna, browser("de", cookie="uk")) == "uk"  # the selector's
    assert reader_language(agent_anna) == "en"  # an email has no browser


def test_a_browser_klient_does_not_speak_falls_back_to_english(agent_anna):
    assert reader_language(agent_anna, browser("es-ES,es;q=0.9,ja;q=0.5")) == "en"
    assert reader_language(agent_anna, browser()) == "en"


def test_a_stored_code_klient_does_not_speak_is_no_choice(agent_anna):
    choose(agent_anna, "es")

    assert chosen_language(agent_anna) is None
    assert reader_language(agent_anna, browser("fr")) == "fr"
    assert reader_language(agent_anna) == "en"


def test_someone_who_is_not_an_agent_gets_the_browsers_or_english(db):
    plain = get_user_model().objects.create_user("plain@shop.example")

    assert reader_language(plain, browser("uk-UA")) == "uk"
    assert reader_language(plain) == "en"
    assert reader_language(AnonymousUser(), browser("fr")) == "fr"
    assert reader_language(None) == "en"


@pytest.mark.parametrize(("code", "language"), [("pl-PL", "pl"), ("de_AT", "de"), ("UK", "uk")])
def test_regional_codes_stand_for_their_language(code, language):
    assert supported_language(code) == language
    assert supported_language("pt") is None
    assert supported_language("") is None


def test_setting_the_language_records_who_changed_it_and_refuses_unknown_codes(
    agent_anna, admin_zofia
):
    set_agent_language(agent_anna, "pl", actor=admin_zofia)
    set_agent_language(agent_anna, "pl", actor=admin_zofia)  # no change, no event

    assert reader_language(agent_anna) == "pl"
    [event] = Event.objects.filter(kind="agent.language_changed")
    assert event.actor == admin_zofia
    assert event.data == {"agent": agent_anna.pk, "from": "", "to": "pl"}

    with pytest.raises(ValidationError):
        set_agent_language(agent_anna, "xx", actor=admin_zofia)
    set_agent_language(agent_anna, "", actor=agent_anna)
    assert chosen_language(agent_anna) is None
