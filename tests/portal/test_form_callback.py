"""A request form with a "call me back" field (story 4: the bank's contact form): the
customer leaves a phone number and a window in her browser's time zone; the form's
conversation gets a callback in the same transaction, or nothing at all is stored."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from portal_helpers import filled

from klient.conversations.models import Conversation
from klient.phone.models import Callback
from klient.portal.demo import seed_demo
from klient.portal.models import FormField, FormSubmission

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact_form(billing_team):
    form = seed_demo()
    FormField.objects.create(
        form=form,
        key="call_me",
        kind=FormField.Kind.CALLBACK,
        order=10,
        label_en="Call me back",
        label_pl="Oddzwońcie do mnie",
        label_de="Rufen Sie mich zurück",
        label_fr="Rappelez-moi",
        label_uk="Передзвоніть мені",
    )
    return form


def asking(form, **fields):
    wanted = {
        "f_call_me_phone": "601 234 567",
        "f_call_me_day": "2030-03-12",
        "f_call_me_from": "09:00",
        "f_call_me_until": "11:30",
        "time_zone": "Europe/Warsaw",
    }
    return filled(form, **{**wanted, **fields})


def test_the_form_shows_a_phone_and_a_window_for_the_call_back(client, contact_form):
    page = client.get("/forms/contact/?lang=pl").content.decode()

    assert "Oddzwońcie do mnie" in page
    for part in ("phone", "day", "from", "until"):
        assert f'name="f_call_me_{part}"' in page


def test_ola_asks_on_the_form_to_be_called_back_in_her_morning(client, contact_form):
    response = client.post("/forms/contact/?lang=pl", asking(contact_form))

    assert response.status_code == 200
    conversation = Conversation.objects.get()
    callback = Callback.objects.get()
    warsaw = ZoneInfo("Europe/Warsaw")
    assert callback.conversation == conversation
    assert (callback.phone, callback.source, callback.time_zone) == (
        "+48601234567",
        "form",
        "Europe/Warsaw",
    )
    assert callback.window_start == datetime(2030, 3, 12, 9, 0, tzinfo=warsaw)
    assert callback.window_end == datetime(2030, 3, 12, 11, 30, tzinfo=warsaw)
    assert callback.due_at == callback.window_start
    message = conversation.messages.get()
    assert "Oddzwońcie do mnie: +48601234567, 2030-03-12 09:00–11:30 (Europe/Warsaw)" in (
        message.body_text
    )


def test_left_empty_the_field_asks_for_nothing(client, contact_form):
    data = filled(contact_form, f_call_me_from="09:00", f_call_me_until="12:00")

    assert client.post("/forms/contact/?lang=pl", data).status_code == 200
    assert Conversation.objects.count() == 1
    assert not Callback.objects.exists()


@pytest.mark.parametrize(
    ("language", "fields", "error"),
    [
        ("pl", {"f_call_me_phone": "abc"}, "Podaj numer telefonu, pod który możemy zadzwonić."),
        (
            "de",
            {"f_call_me_until": "08:00"},
            "Geben Sie einen Tag und ein Zeitfenster an, das nach seinem Beginn endet.",
        ),
        ("fr", {"f_call_me_day": ""}, "Indiquez un jour et une plage horaire"),
        ("uk", {"f_call_me_phone": ""}, "Введіть номер телефону"),
    ],
)
def test_a_wrong_phone_or_window_is_refused_in_her_language_and_nothing_is_stored(
    client, contact_form, language, fields, error
):
    response = client.post(f"/forms/contact/?lang={language}", asking(contact_form, **fields))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Conversation.objects.exists()
    assert not FormSubmission.objects.exists()
    assert not Callback.objects.exists()


def test_a_required_call_back_left_empty_is_refused(client, contact_form):
    FormField.objects.filter(key="call_me").update(required=True)

    response = client.post("/forms/contact/?lang=pl", filled(contact_form))

    assert response.status_code == 400
    assert "To pole jest wymagane." in response.content.decode()
    assert not Callback.objects.exists()


def test_the_callback_goes_where_routing_sends_it_the_away_owners_substitute(
    client, contact_form, billing_team
):
    """Ola's advisor Marta is on holiday; Piotr covers and has the workspace open."""
    from klient.people.actions import create_absence, create_agent, find_or_create_customer_by_email
    from klient.people.ownership import set_customer_owner
    from klient.people.presence import heartbeat

    marta, _ = create_agent("marta@shop.example", name="Marta Lis", teams=[billing_team])
    piotr, _ = create_agent("piotr@shop.example", name="Piotr Nowak", teams=[billing_team])
    ola = find_or_create_customer_by_email("ola@example.com", "Ola Kowalska")
    set_customer_owner(ola, marta, actor=None)
    now = timezone.now()
    create_absence(
        marta, actor=None, starts_at=now, ends_at=now + timedelta(days=7), substitute_agent=piotr
    )
    heartbeat(piotr)

    client.post("/forms/contact/?lang=pl", asking(contact_form))

    assert Callback.objects.get().assignee == piotr
