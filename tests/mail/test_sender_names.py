"""Every email Klient writes itself says it comes from the team or the organisation
(KLIENT_ORGANISATION_NAME), never from "Klient", which in Polish means "customer": the
acknowledgement, the portal's sign-in link and agents' notification emails, as they reach
a real SMTP sink."""

import pytest

from klient.conversations.actions import acknowledge
from klient.mail.notifications import send_notification_email
from klient.mail.senders import DEFAULT_ORGANISATION_NAME
from klient.mail.sending import send_delivery
from klient.notifications.actions import notify
from klient.people.actions import find_or_create_customer_by_email
from klient.portal import sign_in
from klient.portal.models import SignInLink

pytestmark = pytest.mark.django_db


def sender_of(email) -> str:
    [sender] = email["From"].addresses
    assert sender.display_name.strip().lower() != "klient"
    return sender.display_name


@pytest.fixture
def ola_conversation(support_team, receive):
    return receive(support_team, "ola@example.pl", "Faktura", "Proszę o fakturę.").conversation


def send_sign_in_link(address: str) -> None:
    sign_in.request_sign_in(address, ip="198.51.100.7", language="pl")
    assert sign_in.send_sign_in_link(SignInLink.objects.latest("pk").pk) == "sent"


@pytest.mark.parametrize("organisation", ["", "Sklep Kowalski"])
def test_the_acknowledgement_comes_from_the_team(
    smtp_sink, settings, ola_conversation, organisation
):
    settings.KLIENT_ORGANISATION_NAME = organisation

    message = acknowledge(ola_conversation, body="Dzień dobry, to automatyczne potwierdzenie.")
    send_delivery(message.delivery.pk)

    [email] = smtp_sink.wait_for(1)
    assert sender_of(email) == "Support"
    assert email["From"].addresses[0].addr_spec == "support@shop.example"


def test_a_sign_in_link_comes_from_the_organisation(smtp_sink, settings, ola_conversation):
    settings.KLIENT_ORGANISATION_NAME = "Sklep Kowalski"

    send_sign_in_link("ola@example.pl")

    [email] = smtp_sink.wait_for(1)
    assert sender_of(email) == "Sklep Kowalski"


def test_without_an_organisation_a_sign_in_link_comes_from_the_customers_team(
    smtp_sink, ola_conversation
):
    send_sign_in_link("ola@example.pl")

    [email] = smtp_sink.wait_for(1)
    assert sender_of(email) == "Support"


def test_a_customer_of_no_team_gets_the_link_from_klient_desk(smtp_sink):
    find_or_create_customer_by_email("tom@example.com", "Tom")

    send_sign_in_link("tom@example.com")

    [email] = smtp_sink.wait_for(1)
    assert sender_of(email) == DEFAULT_ORGANISATION_NAME == "Klient Desk"


@pytest.mark.parametrize(
    ("organisation", "expected"), [("", "Klient Desk"), ("Sklep Kowalski", "Sklep Kowalski")]
)
def test_a_notification_email_comes_from_the_organisation(
    smtp_sink, settings, agent_anna, ola_conversation, organisation, expected
):
    settings.KLIENT_ORGANISATION_NAME = organisation
    [notification] = notify(
        [agent_anna], kind="test", text="Ola czeka", conversation=ola_conversation, email=True
    )

    assert send_notification_email(notification.pk) == "sent"

    [email] = smtp_sink.wait_for(1)
    assert sender_of(email) == expected
