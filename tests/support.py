"""Test helpers importable from any test module: `from support import free_port`."""

from __future__ import annotations

import hashlib
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


def signed_in(user, **kwargs):
    """A Django test client signed in as `user` (kwargs go to the Client, e.g. headers)."""
    from django.test import Client

    client = Client(**kwargs)
    client.force_login(user)
    return client


def customer_email(
    sender: str,
    subject: str,
    body: str,
    message_id: str = "",
    to: str = "support@shop.example",
    **headers: str,
) -> EmailMessage:
    """A plain customer email to a team (add attachments, then take its bytes). A fresh
    Message-ID unless one is given; headers by keyword, underscores for dashes
    (In_Reply_To=...)."""
    from email.utils import make_msgid

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="customer.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def database_url() -> str:
    """The DATABASE_URL of the test database this test runs on, for Klient processes the
    test starts (worker, serve)."""
    from urllib.parse import quote

    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}{port}/{s['NAME']}"


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps what it receives.

    `refuse` answers every DATA with a temporary refusal. `answer_next(*replies)` scripts
    the answers to the next DATA commands, one each, in order (say "550 5.1.1 no such
    user" to the first, then accept): the refused messages are kept in `refused`."""

    host: str
    port: int
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    refuse: bool = False
    scripted: list[str] = field(default_factory=list)
    refused: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    def answer_next(self, *replies: str) -> None:
        with self.arrived:
            self.scripted.extend(replies)

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 try again later"
        with self.arrived:
            if self.scripted:
                self.refused.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
                )
                self.arrived.notify_all()
                return self.scripted.pop(0)
        with self.arrived:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
            self.arrived.notify_all()
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]  # type: ignore[misc]

    def parsed_refused(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.refused]  # type: ignore[misc]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return self.parsed()


def bounce_report(
    original_message_id: str, recipient: str, to: str, diagnostic: str = "550 5.1.1 User unknown"
) -> bytes:
    """A delivery status notification (RFC 3464) as a receiving mail server sends it back
    to a team's address when the message `original_message_id` could not be delivered."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn.{hashlib.sha1(original_message_id.encode()).hexdigest()}"
        "@mx.customer.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-b"\r\n'
        "\r\n--dsn-b\r\nContent-Type: text/plain\r\n\r\n"
        f"Your message could not be delivered to {recipient}: {diagnostic}\r\n"
        "\r\n--dsn-b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.customer.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; {diagnostic}\r\n"
        "\r\n--dsn-b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"To: {recipient}\r\nMessage-ID: {original_message_id}\r\n"
        "\r\n--dsn-b--\r\n"
    ).encode()


def run_worker() -> None:
    """What the worker does when woken: its sweeps (inbound mail, due deliveries, email
    copies, ...) and the dispatch of the events they wrote to their handlers, until nothing
    is left."""
    worker_runs()


def accept_customer_email(team, mail: EmailMessage):
    """A customer's email accepted as the SMTP listener accepts it, then processed by the
    worker; returns the conversation it went into."""
    from klient.conversations.models import Message
    from klient.mail.actions import accept_raw, process_batch

    accepted, _ = accept_raw(bytes(mail), source="smtp", envelope_to=[team.inbound_address])
    process_batch([accepted.pk])
    run_worker()
    return Message.objects.get(message_id=mail["Message-ID"]).conversation


def worker_runs(at=None) -> None:
    """What the worker does when it wakes (at the moment `at`, frozen with freezegun, or
    now): its sweeps and the dispatch of pending events to their handlers, until nothing
    is left to do."""
    from contextlib import nullcontext

    from freezegun import freeze_time

    from klient.core import wiring

    with freeze_time(at) if at is not None else nullcontext():
        for _ in range(10):
            if not wiring.sweep() and not wiring.dispatch_pending():
                return


@contextmanager
def smtp_listener():
    """Klient's SMTP listener on a free port, stopped afterwards."""
    from klient.mail.smtp import SmtpListener

    server = SmtpListener(port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_channel_layer(settings, url: str, label: str):
    """This process's channel layer on Redis, configured as production configures it, under
    a prefix no other test run uses; its keys are removed afterwards. Yields the prefix."""
    import uuid

    import pytest
    import redis

    from klient.settings import redis_channel_layers

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (see .ci/run)")
    prefix = f"klient-{label}-test-{uuid.uuid4().hex}"
    settings.CHANNEL_LAYERS = redis_channel_layers(url, prefix=prefix)
    try:
        yield prefix
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
