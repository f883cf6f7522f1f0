"""A request form's submission is confirmed by email (at a real SMTP sink), whether or not
the team acknowledges emails: the reference and the honest answer time of the SLA policy,
in the customer's language and, when their browser told it, their own time zone."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from portal_helpers import filled

from klient.calendars.actions import save_team_hours
from klient.conversations.models import Conversation, Message
from klient.core import wiring
from klient.portal.demo import seed_demo
from klient.sla.admin_actions import save_policy

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, 10:00 in Warsaw (CET): four business hours take it to 14:00.
SUBMITTED_AT = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def contact_form(billing_team):
    """Billing does not acknowledge emails; it works 9-17 in Warsaw and promises a first
    reply within four business hours."""
    save_team_hours(
        billing_team,
        actor=None,
        time_zone="Europe/Warsaw",
        hours={day: [("09:00", "17:00")] for day in range(5)},
    )
    save_policy(actor=None, name="Standard", team=billing_team, first_reply_minutes=240)
    return seed_demo()


def submit(client, form, language, **fields):
    with freeze_time(SUBMITTED_AT):  # started a minute before (the token is made here)
        response = client.post(f"/forms/contact/?lang={language}", filled(form, **fields))
        assert response.status_code == 200
        wiring.dispatch_pending()  # what the worker does after the commit


def text_of(email) -> str:
    return " ".join(email.get_body(("plain",)).get_content().split())


@pytest.mark.parametrize(
    ("language", "time_zone", "promise"),
    [
        ("pl", "", "Odpowiemy najpóźniej dziś do 14:00 (Europe/Warsaw)."),
        ("pl", "Europe/Warsaw", "Odpowiemy najpóźniej dziś do 14:00. "),
        (
            "fr",
            "America/New_York",
            "Une personne de notre équipe vous répondra au plus tard aujourd’hui à 09 h 00.",
        ),
        ("uk", "Europe/Kyiv", "Ми відповімо вам найпізніше сьогодні до 15:00."),
    ],
)
def test_a_submission_is_confirmed_with_its_reference_and_honest_answer_time(
    client, smtp_sink, contact_form, language, time_zone, promise
):
    submit(client, contact_form, language, time_zone=time_zone)

    [email] = smtp_sink.wait_for(1)
    conversation = Conversation.objects.get()
    assert email["To"].addresses[0].addr_spec == "ola@example.com"
    assert email["From"].addresses[0].display_name == "Billing"
    assert conversation.reference in email["Subject"]
    text = text_of(email)
    assert conversation.reference in text
    assert promise in text + " "
    confirmation = conversation.messages.get(sender=Message.Sender.SYSTEM)
    assert not conversation.is_answered and confirmation.is_auto_reply


def test_a_team_that_acknowledges_sends_one_confirmation_not_two(
    client, smtp_sink, contact_form, billing_team
):
    billing_team.acknowledge = True
    billing_team.save(update_fields=["acknowledge"])

    submit(client, contact_form, "de")

    smtp_sink.wait_for(1)
    assert len(smtp_sink.messages) == 1
    assert "Wir haben Ihre Nachricht erhalten" in text_of(smtp_sink.parsed()[0])


def test_the_browsers_time_zone_does_not_replace_one_the_customer_has(
    client, smtp_sink, contact_form
):
    from klient.people.actions import find_or_create_customer_by_email

    customer = find_or_create_customer_by_email("ola@example.com", "Ola Kowalska")
    customer.time_zone = "Europe/Warsaw"
    customer.save(update_fields=["time_zone"])

    submit(client, contact_form, "pl", time_zone="Asia/Tokyo")

    customer.refresh_from_db()
    assert customer.time_zone == "Europe/Warsaw"
    assert "dziś do 14:00." in text_of(smtp_sink.wait_for(1)[0])
