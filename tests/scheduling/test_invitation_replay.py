"""Dmytro's confirmation and the one gap SMTP leaves: a worker killed after the relay
accepted the email (the message is in, its 250 answer not yet read) and before it recorded
it. The sweep sends it again after the lease, and that copy is the same message: the same
Message-ID and Date (a mailbox keeps one), the same invitation UID, SEQUENCE and DTSTAMP
(a calendar ends in the same state). The worker here is a real OS process, SIGKILLed
while the relay holds its answer back."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from aiosmtpd.controller import Controller
from care_helpers import book_as_customer
from django.conf import settings
from django.utils import timezone
from scheduling_helpers import api

from klient.core.models import Event
from klient.scheduling.models import AppointmentEmail
from support import SmtpSink, database_url, free_port, worker_runs

WORKER = Path(__file__).with_name("invitation_worker.py")


class HoldingRelay(SmtpSink):
    """A relay that, while `holding` is set, keeps each message it receives and then
    waits before answering 250: the sender's process can be killed in between."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(host, port)
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
            self.arrived.notify_all()
        while self.holding.is_set():
            await asyncio.sleep(0.02)
        return "250 OK"


@pytest.fixture
def holding_relay(settings):
    relay = HoldingRelay("127.0.0.1", free_port())
    controller = Controller(relay, hostname=relay.host, port=relay.port)
    controller.start()
    settings.KLIENT_SMTP_RELAY = f"{relay.host}:{relay.port}"
    try:
        yield relay
    finally:
        relay.holding.clear()
        controller.stop()


def calendar_part(email) -> icalendar.Calendar:
    part = next(p for p in email.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content())


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_relay_accepted_sends_the_same_message_again(
    interview, holding_relay
):
    appointment, _token = book_as_customer(interview)
    row = AppointmentEmail.objects.get(appointment=appointment)
    holding_relay.holding.set()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klient.settings",
        "DATABASE_URL": database_url(),
        "KLIENT_DATA_DIR": str(settings.DATA_DIR),
        "KLIENT_SMTP_RELAY": settings.KLIENT_SMTP_RELAY,
        "KLIENT_MAIL_DOMAIN": settings.KLIENT_MAIL_DOMAIN,
        "KLIENT_LEASE_SECONDS": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, str(WORKER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while not holding_relay.messages:
            if worker.poll() is not None:
                raise AssertionError(f"the worker exited early: {worker.stdout.read().decode()}")
            assert time.monotonic() < deadline, "the email never reached the relay"
            time.sleep(0.05)
        # The relay has the message; the worker waits for its answer and dies.
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        worker.kill()
        worker.wait()
        worker.stdout.close()
        holding_relay.holding.clear()
    row.refresh_from_db()
    assert row.state == AppointmentEmail.State.SENDING, "the dead worker recorded nothing"

    # Its lease runs out; the sweep takes the row over and sends the email again.
    worker_runs(at=timezone.now() + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 5))
    row.refresh_from_db()
    assert row.state == AppointmentEmail.State.SENT
    first, second = holding_relay.parsed()
    for header in ("Message-ID", "Date", "Subject", "From", "To"):
        assert first[header] == second[header], header
    assert first.get_body(("plain",)).get_content() == second.get_body(("plain",)).get_content()
    one, two = calendar_part(first), calendar_part(second)
    assert one.to_ical() == two.to_ical(), "the same invitation, DTSTAMP included"
    [event] = one.walk("VEVENT")
    assert str(event["UID"]) == f"appointment-{appointment.reference}@{settings.KLIENT_MAIL_DOMAIN}"
    # Recorded once: one "email sent" in Dmytro's timeline.
    assert Event.objects.filter(kind="scheduling.invitation_sent").count() == 1
    # Nothing more goes out later.
    worker_runs(at=timezone.now() + timedelta(hours=2))
    assert len(holding_relay.messages) == 2


def test_reminders_and_care_messages_are_built_the_same_at_every_attempt(interview, agent_olha):
    from klient.scheduling import outbox
    from klient.scheduling.models import OutgoingMessage

    appointment, _token = book_as_customer(interview)
    answer = api(agent_olha, "post", f"/api/v1/appointments/{appointment.pk}/lost-connection")
    assert answer.status_code == 200
    row = OutgoingMessage.objects.get(appointment=appointment)
    first = outbox._email(row)
    later = outbox._email(OutgoingMessage.objects.get(pk=row.pk))
    assert first["Message-ID"] == later["Message-ID"]
    assert first["Date"] == later["Date"]
