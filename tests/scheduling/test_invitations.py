"""Invitations that update: one UID for the appointment's whole life, SEQUENCE raised on
every change, REQUEST on booking and reschedule, CANCEL with STATUS:CANCELLED on
cancellation; each in an email in the customer's language at the SMTP sink."""

from __future__ import annotations

from datetime import UTC, datetime

from appointment_steps import booked, emails_sent, invitation, offered_times, vevent
from scheduling_helpers import api, next_monday, slots

from klient.notifications.models import Notification
from klient.scheduling.models import Appointment


def test_booked_moved_then_cancelled_keeps_one_uid_and_raises_the_sequence(
    smtp_sink, interview, agent_olha, client
):
    monday = next_monday()
    free = slots("interview", monday, time_zone="America/New_York")
    appointment_id, token = booked(free[0][0], language="uk")

    (confirmation,) = emails_sent(smtp_sink, 1)
    assert confirmation["To"].addresses[0].addr_spec == "dmytro@mail.example"
    assert confirmation["Content-Language"] == "uk"
    method, calendar, body = invitation(confirmation)
    assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
    event = vevent(calendar)
    uid, first_sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert first_sequence == 0
    assert event["DTSTART"].dt == datetime.fromisoformat(free[0][0]).astimezone(UTC)
    assert event["DTSTART"].to_ical().endswith(b"Z") and event["DTEND"].to_ical().endswith(b"Z")
    assert str(event["ORGANIZER"]) == "mailto:support@shop.example"
    assert str(event["ATTENDEE"]) == "mailto:dmytro@mail.example"
    assert str(event["LOCATION"]) == "https://meet.example/olha"
    assert "America/New_York" in body and "America/New_York" in str(event["DESCRIPTION"])
    assert f"/b/{token}/" in body
    assert "Заброньовано" in confirmation["Subject"], confirmation["Subject"]

    # The customer moves it through the manage link: a REQUEST with the same UID.
    page = client.get(f"/b/{token}/")
    assert page.status_code == 200
    offered = offered_times(page)
    assert offered and free[0][0] not in offered, "its own time is not offered"
    new_start = offered[2]
    moved = client.post(f"/b/{token}/reschedule", {"start": new_start})
    assert moved.status_code == 302, moved.content
    _first, move = emails_sent(smtp_sink, 2)
    method, calendar, _body = invitation(move)
    event = vevent(calendar)
    assert method == "REQUEST"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) > first_sequence
    assert event["DTSTART"].dt == datetime.fromisoformat(new_start).astimezone(UTC)
    moved_sequence = int(event["SEQUENCE"])
    # Olha is told at once, in the app.
    (notice,) = Notification.objects.filter(recipient=agent_olha, kind="appointment_rescheduled")
    assert "Dmytro Bondar" in notice.text

    # Olha cancels it through the API: the customer's calendar removes the event.
    cancelled = api(
        agent_olha, "post", f"/api/v1/appointments/{appointment_id}/cancel", {"reason": "ill"}
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["state"] == "cancelled"
    *_earlier, cancellation = emails_sent(smtp_sink, 3)
    method, calendar, _body = invitation(cancellation)
    event = vevent(calendar)
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) > moved_sequence
    # The agent cancelled it herself: no notice to her about it.
    assert not Notification.objects.filter(kind="appointment_cancelled").exists()
    assert Appointment.objects.get().version == 3


def test_the_emails_speak_the_customers_language(smtp_sink, interview, agent_olha):
    monday = next_monday()
    free = slots("interview", monday, time_zone="Europe/Paris")
    for number, language in enumerate(["en", "fr", "pl", "de", "uk"]):
        booked(
            free[2 * number][0],  # an hour each, a slot every half hour
            email=f"c{number}@mail.example",
            language=language,
            time_zone="Europe/Paris",
        )
    found = emails_sent(smtp_sink, 5)
    by_language = {email["Content-Language"]: email for email in found}
    assert set(by_language) == {"en", "fr", "pl", "de", "uk"}
    subjects = {language: email["Subject"] for language, email in by_language.items()}
    assert len({s.split(":")[0] for s in subjects.values()}) == 5, subjects
    for email in found:
        assert invitation(email)[0] == "REQUEST"


def test_a_relay_that_refuses_for_now_gets_the_same_invitation_again(
    smtp_sink, interview, agent_olha
):
    from datetime import timedelta

    from django.utils import timezone

    from klient.scheduling.models import AppointmentEmail
    from support import worker_runs

    smtp_sink.answer_next("451 4.3.0 try again later")
    booked(slots("interview", next_monday())[0][0])
    worker_runs()
    assert smtp_sink.messages == [] and len(smtp_sink.refused) == 1
    row = AppointmentEmail.objects.get()
    assert row.state == "pending" and row.attempts == 1 and "451" in row.last_error
    worker_runs(at=timezone.now() + timedelta(minutes=5))
    (email,) = smtp_sink.wait_for(1)
    method, calendar, body = invitation(email)
    assert method == "REQUEST" and int(vevent(calendar)["SEQUENCE"]) == 0
    row.refresh_from_db()
    assert row.state == "sent" and row.manage_url == "", "the link is not kept once sent"
    assert "/b/" in body
