"""Email copies of notifications reach the agent through the real relay: promptly after
the notification, once, marked as automatic, safe from header injection, and retried with
backoff while the relay is away."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from klient.core.worker import drain
from klient.mail.notifications import (
    redrive_due_notification_emails,
    send_notification_email,
)
from klient.notifications.models import Notification


@pytest.mark.django_db(transaction=True)
def test_the_email_copy_goes_out_when_the_notification_is_created(
    agent_anna, tell, luc, smtp_sink, settings
):
    settings.KLIENT_BASE_URL = "https://desk.shop.example"
    notification = tell(agent_anna, "Luc is still waiting", luc, email=True)
    drain()  # the worker: the notification.created handler sends the copy

    [email] = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "anna@shop.example"
    assert email["Auto-Submitted"] == "auto-generated"
    assert "Luc is still waiting" in email["Subject"]
    assert f"https://desk.shop.example/c/{luc.reference}/" in email.get_content()
    assert smtp_sink.messages[0][1] == ["anna@shop.example"]
    notification.refresh_from_db()
    assert notification.email_state == "sent"
    assert notification.email_sent_at is not None


def test_it_is_never_sent_twice(agent_anna, tell, smtp_sink):
    notification = tell(agent_anna, "Once only", email=True)

    assert send_notification_email(notification.pk) == "sent"
    assert send_notification_email(notification.pk) == "skipped"
    assert redrive_due_notification_emails() == 0

    assert len(smtp_sink.wait_for(1)) == 1
    assert len(smtp_sink.messages) == 1


def test_no_email_when_not_asked_for(agent_anna, tell, smtp_sink):
    notification = tell(agent_anna, "In the app only", email=False)

    assert notification.email_state == "none"
    assert redrive_due_notification_emails() == 0
    assert smtp_sink.messages == []


def test_a_line_break_in_the_text_cannot_add_a_header(agent_anna, tell, smtp_sink):
    notification = tell(agent_anna, "Hello\r\nBcc: victim@evil.example\r\n\r\nbody", email=True)

    assert send_notification_email(notification.pk) == "sent"

    [(_, recipients, raw)] = smtp_sink.messages
    assert recipients == ["anna@shop.example"]
    [email] = smtp_sink.parsed()
    assert email["Bcc"] is None
    assert "\n" not in email["Subject"]
    headers = raw.split(b"\r\n\r\n")[0]
    assert b"\r\nBcc:" not in headers


def test_the_relay_away_means_a_retry_with_backoff(agent_anna, tell, smtp_sink):
    notification = tell(agent_anna, "Retry me", email=True)
    smtp_sink.refuse = True

    assert send_notification_email(notification.pk) == "deferred"
    notification.refresh_from_db()
    assert notification.email_state == "pending"
    assert notification.email_next_attempt_at > timezone.now() + timedelta(seconds=29)
    assert "451" in notification.email_error

    smtp_sink.refuse = False
    assert redrive_due_notification_emails() == 0  # its backoff is not over
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        assert redrive_due_notification_emails() == 1
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == ("sent", 2)
    assert len(smtp_sink.wait_for(1)) == 1


def test_a_worker_holding_the_lease_keeps_others_off_until_it_expires(
    agent_anna, tell, smtp_sink, settings
):
    notification = tell(agent_anna, "Leased", email=True)
    Notification.objects.filter(pk=notification.pk).update(
        email_lease_until=timezone.now() + timedelta(seconds=settings.KLIENT_LEASE_SECONDS),
        email_attempts=1,
    )  # a worker took it, then died

    assert redrive_due_notification_emails() == 0
    with freeze_time(timezone.now() + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 1)):
        assert redrive_due_notification_emails() == 1
    assert len(smtp_sink.wait_for(1)) == 1


def test_the_notification_created_handler_sends_the_copy(agent_anna, tell, smtp_sink):
    from klient.core import wiring
    from klient.core.models import Event

    notification = tell(agent_anna, "Handled promptly", email=True)
    [event] = Event.objects.filter(kind="notification.created")
    assert event.data["notification"] == notification.pk

    assert wiring.run_handlers([event.pk]) == 0

    notification.refresh_from_db()
    assert notification.email_state == "sent"
    assert len(smtp_sink.wait_for(1)) == 1


def test_an_email_whose_worker_died_is_sent_once_by_the_next_and_the_late_outcome_is_refused(
    agent_anna, tell, smtp_sink, settings
):
    from klient.core import work
    from klient.mail.notifications import EMAIL_WORK

    notification = tell(agent_anna, "Taken over", email=True)
    dead = work.claim_one(EMAIL_WORK, notification.pk)  # a worker takes it, then dies
    assert dead is not None

    assert redrive_due_notification_emails() == 0
    with freeze_time(timezone.now() + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 1)):
        assert redrive_due_notification_emails() == 1
        assert redrive_due_notification_emails() == 0
    # The first worker's outcome, arriving late, no longer counts: the lease is not its own.
    assert not work.complete(dead, notification.pk, Notification.EmailState.FAILED)

    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == ("sent", 2)
    assert len(smtp_sink.wait_for(1)) == 1
