"""Dmytro booked an interview with Olha; he is reminded a day before by email and an hour
before by SMS, in his language, at those times: never for a cancelled or moved
appointment, never twice, even when a worker dies in the middle of sending."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from care_helpers import (
    SMS_SECRET,
    book_as_customer,
    minutes_before,
    start_receiver,
    verify,
    without_invitations,
)

from klient.core import work
from klient.scheduling.models import Appointment, OutgoingMessage, Reminder
from klient.scheduling.reminders import REMINDER_WORK
from support import worker_runs

DAY = 1440


@pytest.fixture
def reminded_interview(interview):
    interview.reminders = [
        {"before_minutes": 60, "channel": "sms"},
        {"before_minutes": DAY, "channel": "email"},
    ]
    interview.save()
    return interview


@pytest.fixture
def sms_receiver(settings):
    receiver = start_receiver()
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    settings.KLIENT_SMS_WEBHOOK_URL = receiver.url
    settings.KLIENT_SMS_WEBHOOK_SECRET = SMS_SECRET
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def reminder_emails(sink):
    return [m for m in without_invitations(sink) if "reminder" in m.get_content().lower()]


def test_the_email_reminder_comes_at_its_time_in_the_customers_language(
    reminded_interview, smtp_sink
):
    appointment, token = book_as_customer(reminded_interview, language="uk")
    rows = Reminder.objects.filter(appointment=appointment)
    assert {(r.before_minutes, r.channel, r.version) for r in rows} == {
        (60, "sms", 1),
        (DAY, "email", 1),
    }
    worker_runs(at=minutes_before(appointment, DAY, plus_seconds=-60))
    assert without_invitations(smtp_sink) == [], "not before its time"

    worker_runs(at=minutes_before(appointment, DAY))
    [email] = without_invitations(smtp_sink)
    assert email["To"] == "dmytro@mail.example"
    assert email["Content-Language"] == "uk"
    body = email.get_content()
    assert "(America/New_York)" in body, "the time in his zone, the zone named"
    local = appointment.start.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert f"{local:%Y-%m-%d %H:%M}" in body
    assert "https://meet.example/olha" in body, "the link"
    assert f"/b/{token}/" in body, "reschedule and I can't make it: the manage link"
    assert email["Subject"].startswith("Ваша зустріч"), "in Ukrainian, as he booked"
    # No phone was given: the SMS reminder is skipped, with its reason.
    worker_runs(at=minutes_before(appointment, 60))
    assert Reminder.objects.get(channel="sms").skip_reason in {"no phone", "SMS webhook not set"}
    assert len(without_invitations(smtp_sink)) == 1


def test_no_reminder_for_a_cancelled_appointment(reminded_interview, smtp_sink):
    appointment, _token = book_as_customer(reminded_interview)
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CANCELLED)
    worker_runs(at=minutes_before(appointment, 60))
    assert without_invitations(smtp_sink) == []
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SKIPPED}
    assert not OutgoingMessage.objects.exists()


def test_no_reminder_for_the_old_time_of_a_moved_appointment(reminded_interview, smtp_sink):
    appointment, _token = book_as_customer(reminded_interview)
    # Rescheduled (the manage page's job): the same row, a new version.
    Appointment.objects.filter(pk=appointment.pk).update(version=2)
    worker_runs(at=minutes_before(appointment, DAY))
    assert without_invitations(smtp_sink) == []
    assert Reminder.objects.get(channel="email").skip_reason == "appointment moved"


def test_a_worker_killed_mid_send_causes_no_second_email(reminded_interview, smtp_sink, settings):
    appointment, _token = book_as_customer(reminded_interview)
    due = minutes_before(appointment, DAY)
    # A worker claims the reminder and dies before it commits anything.
    held = work.claim(REMINDER_WORK, now=due, due_by=due)
    assert held is not None and len(held.ids) == 1
    assert Reminder.objects.get(channel="email").state == Reminder.State.SENDING
    # While its lease runs, nobody else takes it.
    worker_runs(at=due + timedelta(seconds=1))
    assert without_invitations(smtp_sink) == []
    # The lease runs out; the sweep takes it over and sends it once.
    after_lease = due + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 5)
    worker_runs(at=after_lease)
    assert len(reminder_emails(smtp_sink)) == 1
    # The dead worker wakes up: its lease is gone, it can record nothing.
    assert not work.complete(held, held.ids[0], Reminder.State.SENT)
    worker_runs(at=after_lease + timedelta(minutes=5))
    assert len(reminder_emails(smtp_sink)) == 1
    assert Reminder.objects.get(channel="email").state == Reminder.State.SENT


def test_a_worker_killed_while_handing_the_email_over_sends_it_once(
    reminded_interview, smtp_sink, settings
):
    from klient.scheduling.outbox import OUTGOING_WORK

    appointment, _token = book_as_customer(reminded_interview)
    due = minutes_before(appointment, DAY)
    from klient.scheduling.reminders import send_due_reminders

    send_due_reminders(now=due)  # the reminder is sent: its email row is queued
    held = work.claim(OUTGOING_WORK, now=due, due_by=due + timedelta(days=30))
    assert held is not None, "a worker took the email, then died before the relay"
    worker_runs(at=due + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 5))
    assert len(reminder_emails(smtp_sink)) == 1
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == 1
    assert OutgoingMessage.objects.get().state == OutgoingMessage.State.SENT


def test_the_sms_reminder_goes_through_the_signed_webhook(reminded_interview, sms_receiver):
    appointment, token = book_as_customer(reminded_interview, phone="+380 67 123 4567")
    worker_runs(at=minutes_before(appointment, 60))
    [request] = sms_receiver.requests
    payload = verify(request, SMS_SECRET)  # raises if the signature does not verify
    assert payload == json.loads(request.body)
    assert payload["to"] == "+380 67 123 4567"
    assert payload["appointment"] == appointment.reference
    assert f"/b/{token}/" in payload["text"]
    assert "(America/New_York)" in payload["text"]
    assert Reminder.objects.get(channel="sms").state == Reminder.State.SENT


def test_a_moved_appointment_is_reminded_at_its_new_time_only(reminded_interview, agent_olha):
    from klient.scheduling.changes import reschedule
    from klient.scheduling.queries import free_slots

    appointment, _token = book_as_customer(reminded_interview)
    later = appointment.start + timedelta(days=7)
    new_start = next(
        s for s, _e in free_slots(reminded_interview, later, later + timedelta(days=7))
    )

    moved = reschedule(appointment, start=new_start, actor=agent_olha)

    rows = {(r.version, r.channel): r for r in Reminder.objects.filter(appointment=appointment)}
    assert moved.version == 2
    assert rows[(2, "email")].next_attempt_at == new_start - timedelta(minutes=DAY)
    assert rows[(2, "sms")].next_attempt_at == new_start - timedelta(minutes=60)
    assert rows[(1, "email")].state == Reminder.State.SCHEDULED  # skipped when it comes due
