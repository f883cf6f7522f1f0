"""A phone note: on the phone, Luc asks to be called back tomorrow morning; the agent
logs the call with that request (POST /api/v1/conversations/{ref}/calls "callback", or
the "Log a call" card's checkbox) and the call and its callback are stored together."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from klient.people.actions import set_customer_time_zone
from klient.phone.models import Call, Callback

PARIS = ZoneInfo("Europe/Paris")


def log_on_card(client, conversation, **callback_fields):
    """Luc's inbound call, answered, logged on the card with "asks to be called back"."""
    return client.post(
        f"/callbacks/calls/{conversation.reference}/",
        {
            "direction": "inbound",
            "number": "+33612345678",
            "outcome": "answered",
            "callback": "on",
            **callback_fields,
        },
        follow=True,
    )


def test_luc_asks_on_the_phone_to_be_called_back_and_the_agent_notes_it(
    call, agent_anna, luc_power_cut
):
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "inbound",
            "number": "06 12 34 56 78",
            "outcome": "answered",
            "notes": "Wants the engineer's visit confirmed tomorrow.",
            "callback": {
                "window_start": "2030-03-12T09:00:00+01:00",
                "window_end": "2030-03-12T11:00:00+01:00",
                "time_zone": "Europe/Paris",
            },
        },
    )

    assert response.status_code == 201, response.content
    logged = Call.objects.get()
    callback = Callback.objects.get()
    assert response.json()["callback"] == callback.pk
    assert (callback.call, callback.conversation, callback.source) == (
        logged,
        luc_power_cut,
        "phone_note",
    )
    assert (callback.phone, callback.time_zone) == (logged.from_number, "Europe/Paris")
    assert callback.window_start == datetime(2030, 3, 12, 9, 0, tzinfo=PARIS)
    assert callback.due_at == callback.window_start


def test_the_noted_callback_goes_to_the_away_owners_connected_substitute(
    call, agent_anna, luc_power_cut, support_team
):
    """Luc's advisor Marta is away; Piotr covers and has the workspace open; Anna only
    took the call."""
    from klient.people.actions import create_absence, create_agent
    from klient.people.ownership import set_customer_owner
    from klient.people.presence import heartbeat

    marta, _ = create_agent("marta@shop.example", name="Marta Lis", teams=[support_team])
    piotr, _ = create_agent("piotr@shop.example", name="Piotr Nowak", teams=[support_team])
    set_customer_owner(luc_power_cut.customer, marta, actor=None)
    now = timezone.now()
    create_absence(
        marta, actor=None, starts_at=now, ends_at=now + timedelta(days=7), substitute_agent=piotr
    )
    heartbeat(piotr)

    call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "inbound",
            "number": "+33612345678",
            "outcome": "answered",
            "callback": {"window_start": "2030-03-12T09:00:00+01:00"},
        },
    )

    assert Callback.objects.get().assignee == piotr


def test_a_missed_call_with_a_noted_window_makes_one_callback_in_that_window(
    call, agent_anna, luc_power_cut
):
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "inbound",
            "number": "+33612345678",
            "outcome": "voicemail",
            "callback": {
                "window_start": "2030-03-12T14:00:00+01:00",
                "window_end": "2030-03-12T16:00:00+01:00",
            },
        },
    )

    assert response.status_code == 201, response.content
    callback = Callback.objects.get()
    assert (callback.source, callback.window_end) == (
        "phone_note",
        datetime(2030, 3, 12, 16, 0, tzinfo=PARIS),
    )


def test_a_window_that_ends_before_it_starts_stores_neither_call_nor_callback(
    call, agent_anna, luc_power_cut
):
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "outbound",
            "number": "+33612345678",
            "outcome": "answered",
            "callback": {
                "window_start": "2030-03-12T11:00:00+01:00",
                "window_end": "2030-03-12T09:00:00+01:00",
            },
        },
    )

    assert response.status_code == 422
    assert not Call.objects.exists()
    assert not Callback.objects.exists()


def test_the_agent_ticks_call_back_on_the_log_a_call_card(client, agent_anna, luc_power_cut):
    set_customer_time_zone(luc_power_cut.customer, "Europe/Paris")
    client.force_login(agent_anna)
    page = client.get(f"/c/{luc_power_cut.reference}/").content.decode()
    assert 'name="callback"' in page and "Europe/Paris" in page

    response = log_on_card(
        client,
        luc_power_cut,
        callback_day="2030-03-12",
        callback_from="09:00",
        callback_until="10:30",
    )

    assert "The call was logged." in response.content.decode()
    callback = Callback.objects.get()
    assert (callback.call, callback.source) == (Call.objects.get(), "phone_note")
    assert (callback.window_start, callback.window_end) == (
        datetime(2030, 3, 12, 9, 0, tzinfo=PARIS),
        datetime(2030, 3, 12, 10, 30, tzinfo=PARIS),
    )


def test_a_ticked_call_back_without_a_day_logs_nothing(client, agent_anna, luc_power_cut):
    client.force_login(agent_anna)

    response = log_on_card(client, luc_power_cut, callback_from="09:00", callback_until="10:30")

    assert "a day and a window that ends after it starts" in response.content.decode()
    assert not Call.objects.exists()
    assert not Callback.objects.exists()
