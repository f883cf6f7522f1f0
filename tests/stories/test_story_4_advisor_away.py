"""Story 4, the bank, end to end: Anna Kowalska, Mrs Zielińska's personal advisor, is on
holiday and Piotr Nowak covers for her. Mrs Zielińska writes (real SMTP into the listener)
and calls (a signed telephony webhook: nobody picks up). Piotr, at his workspace, gets both:
the conversation and the call-back. She is told once, by email, in Polish, who looks after
her request and until when; the first call back misses her and she is told when the next
will be; the second reaches her. When Anna is back she gets a hand-back summary: the
conversation, its state, who handled it, and the call-back."""

from __future__ import annotations

import json
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from klient.conversations.models import Conversation
from klient.core.worker import drain
from klient.mail.smtp import SmtpListener
from klient.notifications.models import Notification
from klient.routing.coverage import sweep_ended_coverage
from phone import webhook_requests as signed  # deliveries signed as providers sign them
from support import free_port

pytestmark = pytest.mark.django_db(transaction=True)

DESK_NUMBER = "+48221234567"
HER_NUMBER = "+48601234567"


@pytest.fixture(autouse=True)
def telephony_secret(settings):
    settings.KLIENT_TELEPHONY_SECRET = signed.GENERIC_SECRET
    settings.KLIENT_CALLBACK_RETRY_MINUTES = 60


def write(port: int, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = "Halina Zielińska <h.zielinska@poczta.example>"
    msg["To"] = "doradcy@bank.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="poczta.example")
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(msg)


def api(client, user, method, url, body=None):
    return getattr(client, method)(
        url,
        data=json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {user.api_token}"},
    )


def test_the_advisor_is_away_and_the_customer_is_served_by_mail_and_phone(client, smtp_sink):
    from klient.people.actions import (
        add_endpoint,
        add_identity,
        create_absence,
        create_agent,
        create_team,
        find_or_create_customer_by_email,
    )
    from klient.people.ownership import set_customer_owner
    from klient.people.presence import heartbeat
    from klient.phone.models import Callback

    team = create_team("Bankowość prywatna", address="doradcy@bank.example")
    add_endpoint(team, kind="phone", value=DESK_NUMBER)
    anna, _ = create_agent("anna.kowalska@bank.example", name="Anna Kowalska", teams=[team])
    piotr, piotr.api_token = create_agent(
        "piotr.nowak@bank.example", name="Piotr Nowak", teams=[team]
    )
    customer = find_or_create_customer_by_email("h.zielinska@poczta.example", "Halina Zielińska")
    customer.language, customer.time_zone = "pl", "Europe/Warsaw"
    customer.save(update_fields=["language", "time_zone"])
    add_identity(customer, kind="phone", value="+48 601 234 567", verified=True)
    set_customer_owner(customer, anna, actor=None)
    now = timezone.now()
    holiday = create_absence(
        anna,
        actor=anna,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=6),
        reason="Urlop na Maderze",
        substitute_agent=piotr,
    )
    heartbeat(piotr)  # Piotr has his workspace open: he can take calls and call-backs

    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        write(listener.port, "Karta zablokowana!", "Moja karta nie działa, jestem za granicą.")
        drain()
    finally:
        listener.stop()
    conversation = Conversation.objects.get()
    assert conversation.assignee == piotr
    [told] = smtp_sink.wait_for(1)
    text = told.get_body(("plain",)).get_content()
    assert told["To"] == "h.zielinska@poczta.example"
    assert "Anna Kowalska jest poza biurem do " in text
    assert f"{holiday.ends_at.astimezone(ZoneInfo('Europe/Warsaw')):%H:%M}" in text  # her time
    assert "Piotr Nowak" in text
    assert "Maderze" not in text

    # She calls; nobody answers. The call joins her conversation and is owed back, by Piotr.
    body, headers = signed.generic(
        {
            "call_id": "bank-story-4",
            "event": "missed",
            "direction": "inbound",
            "from": HER_NUMBER,
            "to": DESK_NUMBER,
            "started_at": timezone.now().isoformat(),
        }
    )
    answer = client.post(
        "/api/v1/telephony/generic", data=body, content_type="application/json", headers=headers
    )
    assert answer.status_code == 200
    drain()
    callback = Callback.objects.get()
    assert callback.conversation == conversation
    assert callback.assignee == piotr
    conversation.refresh_from_db()
    assert conversation.assignee == piotr
    assert Conversation.objects.count() == 1
    assert len(smtp_sink.parsed()) == 1  # the call does not tell her a second time

    # Piotr calls back and misses her: she is told when the next attempt is.
    missed = api(
        client, piotr, "post", f"/api/v1/callbacks/{callback.pk}/attempts", {"outcome": "no_answer"}
    )
    assert missed.status_code == 201, missed.content
    drain()
    [_, next_attempt] = smtp_sink.wait_for(2)
    text = next_attempt.get_body(("plain",)).get_content()
    assert "Spróbujemy ponownie" in text

    reached = api(
        client, piotr, "post", f"/api/v1/callbacks/{callback.pk}/attempts", {"outcome": "reached"}
    )
    assert reached.json()["state"] == "reached"
    drain()
    assert len(smtp_sink.parsed()) == 2

    # Anna is back. Piotr spoke with her on the phone, so the conversation stays his; Anna
    # gets the summary of what was covered.
    sweep_ended_coverage(now=holiday.ends_at + timedelta(minutes=1))
    drain()
    conversation.refresh_from_db()
    assert conversation.assignee == piotr
    summary = Notification.objects.get(recipient=anna, kind="routing.hand_back_summary")
    worded = summary.worded()
    assert f"{conversation.reference}: New, handled by Piotr Nowak" in worded
    assert f"call-back to {HER_NUMBER}: Reached, attempts: 2" in worded
    [email] = [m for m in smtp_sink.wait_for(3) if "anna.kowalska@bank.example" in m["To"]]
    assert (
        f"call-back to {HER_NUMBER}: Reached, attempts: 2"
        in email.get_body(("plain",)).get_content()
    )
