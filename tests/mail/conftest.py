"""Fixtures of the mail tests that speak SMTP to Klient's own listener."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage

import pytest

from klient.conversations.models import Message
from klient.mail import actions
from klient.mail.smtp import SmtpListener
from support import run_worker


@pytest.fixture
def listener(support_team) -> Iterator[SmtpListener]:
    """Klient's SMTP listener on a free port, receiving for the Support team."""
    server = SmtpListener(port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def accept(listener) -> Callable[[EmailMessage], int]:
    """accept(msg): over SMTP to the listener, which stores it and answers 250; returns
    the id of the inbound mail, not processed yet."""

    def over_smtp(msg: EmailMessage) -> int:
        with smtplib.SMTP(listener.host, listener.port, timeout=10) as client:
            client.ehlo()
            client.mail("sender@sender.example")
            client.rcpt("support@shop.example")
            code, answer = client.data(msg.as_bytes(policy=policy.SMTP))
        assert code == 250, answer
        return int(answer.decode().rsplit(" ", 1)[1])

    return over_smtp


@pytest.fixture
def send(accept) -> Callable[[EmailMessage], Message]:
    """send(msg): accepted over SMTP, processed as the woken worker processes it;
    returns the stored message."""

    def deliver(msg: EmailMessage) -> Message:
        actions.process_inbound(accept(msg))
        run_worker()
        return Message.objects.get(message_id=msg["Message-ID"])

    return deliver
