"""Test helpers importable from any test module: `from support import free_port`."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


def customer_email(
    sender: str, subject: str, body: str, message_id: str, to: str = "support@shop.example"
) -> EmailMessage:
    """A plain customer email to a team (add attachments, then take its bytes)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
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
    """A real SMTP server (aiosmtpd) that keeps what it receives."""

    host: str
    port: int
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    refuse: bool = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 try again later"
        with self.arrived:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
            self.arrived.notify_all()
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.messages]  # type: ignore[misc]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return self.parsed()


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
