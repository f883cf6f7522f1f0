"""Invitations and password resets: the email reaches the relay in the agent's language
(else English) from the organisation or the agent's team, never from "Klient"; its link
lets the agent choose a password once, expires, opens only its own page, and dies with a
deactivation. Asking for a reset never tells whether an address is an agent's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from klient.core import wiring
from klient.core.models import Event
from klient.mail.account_mail import redrive_account_emails
from klient.people import accounts, admin_actions
from klient.people.models import AccountEmail

LINK = re.compile(r"http://\S+/(welcome|password/reset)/(\S+)/(\S+)/")


def path_of(email) -> str:
    url = LINK.search(email.get_content()).group(0)
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def kasia(admin_zofia, support_team):
    """Kasia, invited in Polish to Support."""
    return admin_actions.invite_agent(
        "kasia@shop.example",
        actor=admin_zofia,
        name="Kasia Nowak",
        language="pl",
        teams=[support_team],
    )


def test_the_invitation_reaches_the_relay_in_the_agents_language_from_their_team(smtp_sink, kasia):
    wiring.dispatch_pending()

    (email,) = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "kasia@shop.example"
    assert email["From"].addresses[0].display_name == "Support"
    assert "Klient" not in str(email["From"])
    assert email["Subject"] == "Twoje konto agenta w Support"
    assert "Dzień dobry, Kasia Nowak" in email.get_content()
    assert path_of(email).startswith("/welcome/")
    assert AccountEmail.objects.get(user=kasia).state == "sent"


def test_the_sender_is_the_organisation_when_one_is_named(settings, smtp_sink, admin_zofia):
    settings.KLIENT_ORGANISATION_NAME = "Sklep Kowalski"
    admin_actions.invite_agent("jan@shop.example", actor=admin_zofia)  # no team, no language
    wiring.dispatch_pending()

    (email,) = smtp_sink.wait_for(1)
    assert email["From"].addresses[0].display_name == "Sklep Kowalski"
    assert email["Subject"] == "Your agent account at Sklep Kowalski"


def test_the_link_sets_the_password_once_and_the_agent_signs_in(smtp_sink, kasia):
    wiring.dispatch_pending()
    path = path_of(smtp_sink.wait_for(1)[0])
    client = Client()

    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "a long new secret", "new_password2": "a long new secret"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:login")
    assert client.login(username="kasia@shop.example", password="a long new secret")
    assert Event.objects.get(kind="agent.password_set").data["via"] == "invitation"
    assert Client().get(path).status_code == 410  # used: the password it was made from changed


def test_a_link_expires(smtp_sink, kasia, monkeypatch):
    wiring.dispatch_pending()
    path = path_of(smtp_sink.wait_for(1)[0])
    tokens = accounts.LINK_TOKENS[accounts.Purpose.INVITATION]
    later = tokens._now() + accounts.INVITATION_LIFETIME + timedelta(minutes=1)

    monkeypatch.setattr(tokens, "_now", lambda: later)

    assert Client().get(path).status_code == 410


def test_an_invitation_link_does_not_open_the_reset_page(smtp_sink, kasia):
    wiring.dispatch_pending()
    path = path_of(smtp_sink.wait_for(1)[0])

    assert Client().get(path.replace("/welcome/", "/password/reset/")).status_code == 410


def test_deactivating_the_agent_ends_their_link(smtp_sink, kasia, admin_zofia):
    wiring.dispatch_pending()
    path = path_of(smtp_sink.wait_for(1)[0])

    admin_actions.update_agent(kasia, actor=admin_zofia, active=False)

    assert Client().get(path).status_code == 410


def test_forgot_password_answers_the_same_for_an_unknown_address_and_sends_nothing(
    smtp_sink, agent_anna
):
    url = reverse("administration:forgot_password")

    unknown = Client().post(url, {"email": "nobody@shop.example"})
    known = Client().post(url, {"email": "Anna@Shop.example"})
    wiring.dispatch_pending()

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    (email,) = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "anna@shop.example"
    assert path_of(email).startswith("/password/reset/")
    assert AccountEmail.objects.get().user == agent_anna


def test_a_reset_link_sets_a_new_password_and_the_old_one_stops_working(smtp_sink, agent_anna):
    accounts.request_password_reset("anna@shop.example")
    wiring.dispatch_pending()
    path = path_of(smtp_sink.wait_for(1)[0])

    Client().post(path, {"new_password1": "brand new secret", "new_password2": "brand new secret"})

    assert Client().login(username="anna@shop.example", password="brand new secret")
    assert not Client().login(username="anna@shop.example", password="correct horse battery")


def test_resets_are_limited_per_agent_and_never_sent_to_a_deactivated_one(
    agent_anna, agent_bruno, admin_zofia
):
    for _attempt in range(accounts.RESETS_PER_HOUR + 2):
        accounts.request_password_reset("anna@shop.example")
    admin_actions.update_agent(agent_bruno, actor=admin_zofia, active=False)
    accounts.request_password_reset("bruno@shop.example")

    assert AccountEmail.objects.filter(user=agent_anna).count() == accounts.RESETS_PER_HOUR
    assert not AccountEmail.objects.filter(user=agent_bruno).exists()


def test_a_network_asking_for_too_many_links_is_told_to_wait_and_nothing_is_sent(agent_anna):
    """Someone tries address after address from one IP: past the hourly limit the page
    answers 429 and says to wait, even for a real agent's address; another network is
    served as before."""
    from django.core.cache import cache

    cache.clear()  # the counters live in the cache; start from none
    url = reverse("administration:forgot_password")
    for attempt in range(accounts.RESET_REQUESTS_PER_IP_HOUR):
        assert Client().post(url, {"email": f"guess{attempt}@shop.example"}).status_code == 302

    refused = Client().post(url, {"email": "anna@shop.example"})

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert not AccountEmail.objects.exists()
    elsewhere = Client(REMOTE_ADDR="203.0.113.9").post(url, {"email": "anna@shop.example"})
    assert elsewhere.status_code == 302
    assert AccountEmail.objects.get().user == agent_anna
    cache.clear()


def test_an_email_the_relay_could_not_take_is_sent_by_the_sweep_later(smtp_sink, kasia):
    smtp_sink.refuse = True
    wiring.dispatch_pending()
    row = AccountEmail.objects.get(user=kasia)
    row.refresh_from_db()
    assert row.state == "pending"
    assert row.attempts == 1

    smtp_sink.refuse = False
    AccountEmail.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert redrive_account_emails() == 1

    assert len(smtp_sink.wait_for(1)) == 1
    row.refresh_from_db()
    assert row.state == "sent"
