"""Story 1: a freelancer loses power in the middle of an interview. One tap on a page that
loads on a weak phone connection tells Olha at once (in the app and by email), with his
phone number and a link to a new time; when Olha loses hers, her customer is told by
email and SMS. The timeline says "lost connection"."""

from __future__ import annotations

import json
import re

import pytest
from care_helpers import SMS_SECRET, book_as_customer, start_receiver, verify, without_invitations
from django.test import Client
from scheduling_helpers import api

from klient.core.models import Event
from klient.notifications.models import Notification
from support import worker_runs

PAGE_LIMIT = 30 * 1024


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


def transferred(response) -> int:
    """The bytes on the wire for this answer: status line, headers and body."""
    head = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in response.headers.items()) + "\r\n"
    return len(head.encode()) + len(response.content)


def test_the_page_is_small_and_needs_no_script(interview):
    _appointment, token = book_as_customer(interview, language="uk")
    response = Client().get(f"/b/{token}/lost-connection")
    assert response.status_code == 200
    assert transferred(response) < PAGE_LIMIT
    html = response.content.decode()
    assert "<script" not in html.lower(), "no script needed"
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external asset"
    assert '<link rel="stylesheet"' not in html, "the CSS is inline"
    assert re.search(
        r'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
        r'\s*<button type="submit">',
        html,
    ), "a plain form (with the CSRF token every form of Klient carries)"
    assert '<html lang="uk"' in html
    assert "Я втратив(-ла) зв’язок" in html


def test_an_unknown_token_is_404_and_changes_nothing(interview):
    book_as_customer(interview)
    assert Client().post("/b/not-a-token/lost-connection").status_code == 404
    assert not Event.objects.filter(kind="scheduling.lost_connection").exists()


def test_one_tap_tells_the_agent_at_once(interview, agent_olha, smtp_sink):
    appointment, token = book_as_customer(interview, phone="+380 67 123 4567")
    response = Client().post(f"/b/{token}/lost-connection")
    assert response.status_code == 200
    assert "Olha Koval" in response.content.decode(), "the page says whom we told"
    notice = Notification.objects.get(recipient=agent_olha, kind="scheduling.connection_lost")
    assert "lost power or connection" in notice.text
    assert "+380 67 123 4567" in notice.text, "a phone number to continue on"
    assert f"/b/{token}/" in notice.text, "a link to pick a new time"
    assert notice.conversation == appointment.conversation
    worker_runs()
    [email] = [m for m in without_invitations(smtp_sink) if agent_olha.email in str(m["To"])]
    assert "lost power or connection" in email.get_content()
    event = Event.objects.get(kind="scheduling.lost_connection")
    assert event.conversation == appointment.conversation
    assert event.data["side"] == "customer"


def test_when_the_agent_loses_connection_the_customer_is_told_by_email_and_sms(
    interview, agent_olha, smtp_sink, sms_receiver
):
    appointment, token = book_as_customer(interview, language="de", phone="+49 30 1234567")
    response = api(agent_olha, "post", f"/api/v1/appointments/{appointment.pk}/lost-connection")
    assert response.status_code == 200, response.content
    assert response.json()["earlier_missed"] == []
    worker_runs()
    [email] = [m for m in without_invitations(smtp_sink) if m["To"] == "dmytro@mail.example"]
    body = email.get_content()
    assert "Strom oder Verbindung verloren" in body, "in his language"
    assert f"/b/{token}/" in body
    [request] = sms_receiver.requests
    payload = verify(request, SMS_SECRET)
    assert payload == json.loads(request.body)
    assert payload["to"] == "+49 30 1234567"
    assert "versucht zurückzukommen" in payload["text"]
    event = Event.objects.get(kind="scheduling.lost_connection")
    assert event.data["side"] == "agent" and event.actor == agent_olha


def test_an_agent_outside_the_appointment_gets_404(interview, agent_bruno):
    appointment, _token = book_as_customer(interview)
    response = api(agent_bruno, "post", f"/api/v1/appointments/{appointment.pk}/lost-connection")
    assert response.status_code == 404
    assert response.json()["detail"]
    assert not Event.objects.filter(kind="scheduling.lost_connection").exists()
