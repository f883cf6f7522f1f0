"""Story 4, the bank: a long-standing customer could not reach her personal advisor in a
crisis; he was on holiday, and nobody told her who covered. In Klient her mail goes to his
substitute at once, she is told once, in Polish, who looks after her request and until
when (never why he is away), and when the advisor is back he gets a hand-back summary.
(The calls and callbacks of the story are issue 14's phone part.)"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone

from klient.conversations.actions import reply
from klient.conversations.models import Conversation
from klient.core.worker import drain
from klient.mail.smtp import SmtpListener
from klient.notifications.models import Notification
from klient.routing.coverage import sweep_ended_coverage
from support import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def send(port: int, subject: str, body: str, **headers: str) -> None:
    msg = EmailMessage()
    msg["From"] = "Halina Zielińska <h.zielinska@poczta.example>"
    msg["To"] = "doradcy@bank.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="poczta.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(msg)


def test_the_advisor_is_away_and_the_customer_is_still_served(smtp_sink):
    from klient.people.actions import (
        create_absence,
        create_agent,
        create_team,
        find_or_create_customer_by_email,
    )
    from klient.people.ownership import set_customer_owner

    team = create_team("Bankowość prywatna", address="doradcy@bank.example")
    marek, _ = create_agent("marek.lis@bank.example", name="Marek Lis", teams=[team])
    piotr, _ = create_agent("piotr.nowak@bank.example", name="Piotr Nowak", teams=[team])
    customer = find_or_create_customer_by_email("h.zielinska@poczta.example", "Halina Zielińska")
    customer.language, customer.time_zone = "pl", "Europe/Warsaw"
    customer.save(update_fields=["language", "time_zone"])
    set_customer_owner(customer, marek, actor=None)
    now = timezone.now()
    holiday = create_absence(
        marek,
        actor=marek,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=6),
        reason="Urlop na Maderze",
        substitute_agent=piotr,
    )
    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        send(listener.port, "Karta zablokowana!", "Moja karta nie działa, jestem za granicą.")
        drain()
        conversation = Conversation.objects.get()
        assert conversation.assignee == piotr  # at once, not after transfers
        why = Notification.objects.get(recipient=piotr, kind="routing.assigned_to_you")
        assert "owner away, you are the substitute" in why.worded()

        [told] = smtp_sink.wait_for(1)
        text = told.get_body(("plain",)).get_content()
        assert told["To"] == "h.zielinska@poczta.example"
        assert "Marek Lis jest poza biurem do " in text
        assert "Piotr Nowak" in text
        assert "Maderze" not in text

        # She writes again: still Piotr's, and she is not told a second time.
        send(
            listener.port,
            f"Re: {told['Subject']}",
            "Czy ktoś to czyta?",
            In_Reply_To=told["Message-ID"],
            References=told["Message-ID"],
        )
        drain()
        assert Conversation.objects.count() == 1
        conversation.refresh_from_db()
        assert conversation.assignee == piotr
        assert len(smtp_sink.messages) == 1

        reply(conversation, actor=piotr, body="Odblokowałem kartę, proszę spróbować.")
        drain()
        assert len(smtp_sink.wait_for(2)) == 2

        # Marek is back: Piotr answered her, so it stays his; Marek gets the summary.
        sweep_ended_coverage(now=holiday.ends_at + timedelta(minutes=1))
        drain()
        conversation.refresh_from_db()
        assert conversation.assignee == piotr
        summary = Notification.objects.get(recipient=marek, kind="routing.hand_back_summary")
        assert f"{conversation.reference}: " in summary.worded()
        assert "handled by Piotr Nowak" in summary.worded()
    finally:
        listener.stop()
