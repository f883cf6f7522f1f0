"""The customer's manage link /b/<token>/: reschedule to the next free slots and cancel,
within the booking type's notice and reschedule limits (the page says kindly why not),
while the agent can always override through the API."""

from __future__ import annotations

from appointment_steps import booked, emails_sent, invitation, offered_times
from scheduling_helpers import api, next_monday, slots

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.scheduling.models import Appointment


def test_a_customer_cancels_with_a_reason_and_the_agent_is_told(
    smtp_sink, interview, agent_olha, client
):
    _id, token = booked(slots("interview", next_monday())[0][0], language="fr")
    page = client.get(f"/b/{token}/")
    assert page.status_code == 200
    assert "Annuler mon rendez-vous" in page.content.decode()
    assert f'href="/b/{token}/lost-connection"' in page.content.decode()
    response = client.post(f"/b/{token}/cancel", {"reason": "Coupure de courant"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.state == "cancelled" and appointment.cancel_reason == "Coupure de courant"
    (notice,) = Notification.objects.filter(recipient=agent_olha, kind="appointment_cancelled")
    assert "Coupure de courant" in notice.text
    cancelled = Event.objects.get(kind="scheduling.appointment_cancelled")
    assert cancelled.conversation == appointment.conversation
    assert cancelled.actor_label == "customer"
    _confirmation, cancellation = emails_sent(smtp_sink, 2)
    assert invitation(cancellation)[0] == "CANCEL"
    # The page now says it is cancelled and offers nothing; a second cancel changes nothing.
    after = client.get(f"/b/{token}/?done=cancelled").content.decode()
    assert "Votre rendez-vous est annulé." in after
    assert 'name="start"' not in after
    assert client.post(f"/b/{token}/cancel", {}).status_code == 422
    assert Appointment.objects.get().version == 2


def test_reschedules_stop_at_the_limit_and_the_agent_may_still_move_it(
    interview, agent_olha, client
):
    from klient.scheduling.actions import update_booking_type

    update_booking_type(interview, actor=agent_olha, max_reschedules=1)
    appointment_id, token = booked(slots("interview", next_monday())[0][0])
    first_move = offered_times(client.get(f"/b/{token}/"))[0]
    assert client.post(f"/b/{token}/reschedule", {"start": first_move}).status_code == 302

    page = client.get(f"/b/{token}/")
    assert offered_times(page) == []
    assert "moved 1 times, the most this booking allows" in page.content.decode()
    refused = client.post(f"/b/{token}/reschedule", {"start": first_move})
    assert refused.status_code == 422
    assert Appointment.objects.get().reschedules == 1

    # Olha overrides the limit.
    target = slots("interview", next_monday(2))[0][0]
    moved = api(
        agent_olha, "post", f"/api/v1/appointments/{appointment_id}/reschedule", {"start": target}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["reschedules"] == 2


def test_inside_the_cancel_notice_the_page_says_why_and_the_agent_may_still_cancel(
    interview, agent_olha, client
):
    from klient.scheduling.actions import update_booking_type

    update_booking_type(interview, actor=agent_olha, cancel_notice_minutes=60 * 24 * 60)
    appointment_id, token = booked(slots("interview", next_monday())[0][0])
    page = client.get(f"/b/{token}/").content.decode()
    assert "Changes are possible up to 1440 hours before the start" in page
    assert 'action="/b/' not in page, "no form to send"
    assert client.post(f"/b/{token}/cancel", {"reason": "x"}).status_code == 422
    assert Appointment.objects.get().state == "booked"
    overridden = api(agent_olha, "post", f"/api/v1/appointments/{appointment_id}/cancel", {})
    assert overridden.status_code == 200
    assert Appointment.objects.get().state == "cancelled"
    assert not Notification.objects.filter(kind="appointment_cancelled").exists()


def test_a_taken_time_is_refused_and_the_appointment_stays(interview, agent_olha, client):
    free = slots("interview", next_monday())
    _id, token = booked(free[0][0])
    booked(free[4][0], email="other@mail.example")
    refused = client.post(f"/b/{token}/reschedule", {"start": free[4][0]})
    assert refused.status_code == 409
    assert "just taken" in refused.content.decode()
    mine = Appointment.objects.order_by("pk").first()
    assert mine.state == "booked" and mine.version == 1 and mine.reschedules == 0


def test_an_unknown_or_tampered_token_opens_nothing(interview, agent_olha, client):
    _id, token = booked(slots("interview", next_monday())[0][0])
    for wrong in ["x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")]:
        assert client.get(f"/b/{wrong}/").status_code == 404
        assert client.post(f"/b/{wrong}/cancel", {}).status_code == 404
    assert Appointment.objects.get().state == "booked"
