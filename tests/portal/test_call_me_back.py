"""The portal's "call me back" form: a signed-in customer asks to be called in a window
of one day, in their own time zone; it becomes a callback due when the window opens."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from portal_helpers import signed_in_client

from klient.people.actions import set_customer_time_zone
from klient.phone.models import Callback

pytestmark = pytest.mark.django_db


def test_ola_asks_to_be_called_back_tomorrow_morning_in_her_time_zone(client, ola_conversation):
    set_customer_time_zone(ola_conversation.customer, "Europe/Warsaw")
    signed_in_client(client, "ola@example.com")

    response = client.post(
        f"/portal/c/{ola_conversation.reference}/call-me-back/",
        {"phone": "601 234 567", "day": "2030-03-12", "from": "09:00", "until": "11:30"},
        follow=True,
    )

    assert response.status_code == 200
    assert "we will call you back" in response.content.decode()
    callback = Callback.objects.get()
    warsaw = ZoneInfo("Europe/Warsaw")
    assert callback.window_start == datetime(2030, 3, 12, 9, 0, tzinfo=warsaw)
    assert callback.window_end == datetime(2030, 3, 12, 11, 30, tzinfo=warsaw)
    assert (callback.phone, callback.source, callback.time_zone) == (
        "+48601234567",
        "portal",
        "Europe/Warsaw",
    )
    assert callback.due_at == callback.window_start


def test_a_window_that_ends_before_it_starts_is_refused_with_a_notice(client, ola_conversation):
    signed_in_client(client, "ola@example.com")

    response = client.post(
        f"/portal/c/{ola_conversation.reference}/call-me-back/",
        {"phone": "601 234 567", "day": "2030-03-12", "from": "12:00", "until": "09:00"},
        follow=True,
    )

    assert "ends after it starts" in response.content.decode()
    assert not Callback.objects.exists()


def test_another_customers_conversation_is_not_found(client, ola_conversation, tom_conversation):
    signed_in_client(client, "ola@example.com")

    response = client.post(
        f"/portal/c/{tom_conversation.reference}/call-me-back/",
        {"phone": "601 234 567", "day": "2030-03-12", "from": "09:00", "until": "11:00"},
    )

    assert response.status_code == 404
    assert not Callback.objects.exists()
