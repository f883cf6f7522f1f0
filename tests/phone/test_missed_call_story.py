"""Story 4's phone part, end to end over real sockets: Ewa, a long-standing customer who
writes by email, calls the desk and nobody answers; the missed call is in her
conversation and owed back; the first attempt to call her back fails, and she gets one
email, in Polish, saying when the next will be; the second reaches her."""

from __future__ import annotations

import webhook_requests as signed
from django.utils import timezone
from test_telephony_webhooks import post

from klient.people.actions import add_identity
from klient.phone.models import Callback
from support import worker_runs


def test_a_missed_call_is_called_back_and_the_customer_told_in_her_language(
    call, client, support_number, agent_anna, receive, smtp_sink, settings
):
    settings.KLIENT_CALLBACK_RETRY_MINUTES = 60
    first = receive(
        agent_anna.teams.get(),
        "ewa.lis@example.pl",
        "Blokada karty",
        "Dzień dobry, moja karta jest zablokowana.",
        from_name="Ewa Lis",
        language="pl",
    )
    conversation = first.conversation
    add_identity(conversation.customer, kind="phone", value="+48 601 234 567", verified=True)
    now = timezone.now()

    body, headers = signed.generic(
        {
            "call_id": "bank-1",
            "event": "missed",
            "direction": "inbound",
            "from": "+48601234567",
            "to": support_number,
            "started_at": now.isoformat(),
        }
    )
    assert post(client, "generic", body, headers).status_code == 200

    callback = Callback.objects.get()
    assert callback.conversation == conversation  # her open conversation, not a new one
    assert conversation.messages.count() == 2
    call(agent_anna, "post", f"/api/v1/callbacks/{callback.pk}/attempts", {"outcome": "no_answer"})
    worker_runs()

    [email] = smtp_sink.wait_for(1)
    assert email["To"] == "ewa.lis@example.pl"
    text = email.get_body(("plain",)).get_content()
    assert "Próbowaliśmy zadzwonić pod numer +48601234567" in text
    assert "Spróbujemy ponownie" in text

    reached = call(
        agent_anna, "post", f"/api/v1/callbacks/{callback.pk}/attempts", {"outcome": "reached"}
    ).json()
    worker_runs()

    assert reached["state"] == "reached"
    assert len(smtp_sink.parsed()) == 1  # reaching her tells her nothing more by email
