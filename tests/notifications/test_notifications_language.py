"""The same event notifies a Polish agent in Polish and an English agent in English — on
the page, in the bell's list, through the API and in the email copy (subject and body in
one language) — whoever caused it and in whatever language they were working."""

from __future__ import annotations

import pytest
from django.utils import translation

from klient.collab.actions import ask
from klient.mail.notifications import send_notification_email
from klient.notifications.actions import notify
from klient.notifications.models import Notification
from klient.people.actions import create_agent, set_agent_language
from support import signed_in

QUESTION = "Czy ta faktura była już korygowana?"


@pytest.fixture
def polish_anna(agent_anna):
    set_agent_language(agent_anna, "pl", actor=agent_anna)
    return agent_anna


@pytest.fixture
def english_lena(support_team):
    lena, token = create_agent("lena@shop.example", name="Lena Lead", teams=[support_team])
    set_agent_language(lena, "en", actor=lena)
    lena.api_token = token
    return lena


@pytest.fixture
def german_zofia(admin_zofia):
    set_agent_language(admin_zofia, "de", actor=admin_zofia)
    return admin_zofia


@pytest.fixture
def asked(polish_anna, english_lena, german_zofia, support_team, luc):
    """Zofia, working in German, asks the Support team (Anna and Lena) about Luc's case."""
    with translation.override("de"):
        ask(luc, actor=german_zofia, question=QUESTION, team=support_team)
    return {n.recipient_id: n for n in Notification.objects.all()}


def test_each_reader_sees_the_notification_in_their_own_language(
    asked, polish_anna, english_lena, luc
):
    english_browser = {"accept-language": "en"}
    anna_page = signed_in(polish_anna).get("/notifications/", headers=english_browser)
    lena_page = signed_in(english_lena).get("/notifications/", headers={"accept-language": "pl"})

    polish = f"Zofia Admin pyta o {luc.reference}: {QUESTION}"
    english = f"Zofia Admin asks about {luc.reference}: {QUESTION}"
    assert polish in anna_page.content.decode()
    assert english not in anna_page.content.decode()
    assert english in lena_page.content.decode()
    assert polish not in lena_page.content.decode()
    assert "fragt zu" not in anna_page.content.decode() + lena_page.content.decode()


def test_the_bells_list_speaks_the_readers_language_too(asked, polish_anna, english_lena, luc):
    anna_menu = signed_in(polish_anna).get("/notifications/menu/").content.decode()
    lena_menu = signed_in(english_lena).get("/notifications/menu/").content.decode()

    assert f"Zofia Admin pyta o {luc.reference}" in anna_menu
    assert "Zobacz wszystkie powiadomienia (1 nieprzeczytane)" in anna_menu
    assert f"Zofia Admin asks about {luc.reference}" in lena_menu
    assert "See all notifications (1 unread)" in lena_menu


def test_the_email_copies_are_each_in_one_language(
    asked, polish_anna, english_lena, smtp_sink, luc
):
    for notification in asked.values():
        assert send_notification_email(notification.pk) == "sent"

    emails = {email["To"].addresses[0].addr_spec: email for email in smtp_sink.wait_for(2)}
    to_anna, to_lena = emails["anna@shop.example"], emails["lena@shop.example"]

    assert to_anna["Subject"] == f"[Klient] Zofia Admin pyta o {luc.reference}: {QUESTION}"
    assert to_anna["Content-Language"] == "pl"
    anna_body = to_anna.get_content()
    assert f"Zofia Admin pyta o {luc.reference}" in anna_body
    assert "jesteś konsultantem w systemie Klient" in anna_body
    assert "asks about" not in anna_body and "You receive this" not in anna_body

    assert to_lena["Subject"] == f"[Klient] Zofia Admin asks about {luc.reference}: {QUESTION}"
    assert to_lena["Content-Language"] == "en"
    lena_body = to_lena.get_content()
    assert "You receive this because you are an agent in Klient." in lena_body
    assert "pyta o" not in lena_body and "konsultantem" not in lena_body


def test_the_api_words_it_for_the_caller(asked, polish_anna, english_lena, api, luc):
    [for_anna] = api(polish_anna, "get", "/api/v1/notifications").json()["items"]
    [for_lena] = api(english_lena, "get", "/api/v1/notifications").json()["items"]

    assert for_anna["text"].startswith(f"Zofia Admin pyta o {luc.reference}")
    assert for_lena["text"].startswith(f"Zofia Admin asks about {luc.reference}")
    assert for_anna["params"] == for_lena["params"]
    assert for_anna["params"]["ref"] == luc.reference


def test_without_a_choice_the_api_follows_the_accept_language(agent_bruno, luc, client):
    """Bruno chose no language: the request's Accept-Language decides, then English."""
    notify(
        [agent_bruno], kind="collab.asked", params={"asker": "Zofia", "ref": "K-1", "question": "?"}
    )
    auth = {"Authorization": f"Bearer {agent_bruno.api_token}"}

    french = client.get("/api/v1/notifications", headers={**auth, "accept-language": "fr"})
    plain = client.get("/api/v1/notifications", headers=auth)

    assert french.json()["items"][0]["text"] == "Zofia pose une question sur K-1 : ?"
    assert plain.json()["items"][0]["text"] == "Zofia asks about K-1: ?"


def test_an_older_notification_stored_as_text_still_shows_as_written(polish_anna, luc):
    """Rows from before the wordings (params null) keep their text, in every language."""
    [old] = notify([polish_anna], kind="collab.asked", text="Piotr asks about K-1001: old?")
    assert old.params is None
    [gone] = notify([polish_anna], kind="no.longer.worded", params={"x": 1}, text="Kept text")

    page = signed_in(polish_anna).get("/notifications/").content.decode()

    assert "Piotr asks about K-1001: old?" in page
    assert "Kept text" in page
    assert gone.text == "Kept text"


def test_the_stored_text_is_the_english_wording_whatever_language_was_active(polish_anna):
    with translation.override("uk"):
        [notification] = notify(
            [polish_anna],
            kind="followup.reopened",
            params={"ref": "K-1042", "days": 3},
        )

    assert notification.text == ("K-1042 reopened: no word from the customer 3 days after solving.")
    with translation.override("pl"):
        assert notification.worded().startswith("Ponownie otwarto K-1042")


def test_without_a_choice_emails_follow_the_browser_she_signed_in_with(
    agent_bruno, luc, client, smtp_sink
):
    """Bruno chose no language and signs in from a French browser: the notification email,
    written with no browser to ask, is in French; English before he ever signed in."""
    notify(
        [agent_bruno], kind="collab.asked", params={"asker": "Zofia", "ref": "K-1", "question": "?"}
    )
    [before] = Notification.objects.all()
    assert send_notification_email(before.pk) == "sent"

    signing_in = client.post(
        "/sign-in/",
        {"username": "bruno@shop.example", "password": "pw-bruno-123"},
        headers={"accept-language": "fr-FR,fr;q=0.9"},
    )
    assert signing_in.status_code == 302
    notify(
        [agent_bruno], kind="collab.asked", params={"asker": "Zofia", "ref": "K-2", "question": "?"}
    )
    after = Notification.objects.latest("pk")
    assert send_notification_email(after.pk) == "sent"

    english, french = smtp_sink.wait_for(2)
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert "Zofia pose une question sur K-2" in french["Subject"]
