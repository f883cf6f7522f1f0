"""Story 1 again: the power went out twice before the interview could happen. Olha marks
the meetings missed; Dmytro gets a kind message with new times each time and tells us
why (a power cut) through a link, no sign-in. On the third booking Olha sees the context
("2 earlier appointments missed: power cut, power cut"), never a penalty."""

from __future__ import annotations

from care_helpers import book_as_customer, without_invitations
from django.test import Client
from scheduling_helpers import api

from klient.core.models import Event
from klient.scheduling import care
from klient.scheduling.models import Appointment, MissedAppointment, Reminder
from support import worker_runs


def missed(agent, appointment, **body):
    return api(agent, "post", f"/api/v1/appointments/{appointment.pk}/missed", body)


def test_a_missed_meeting_offers_new_times_kindly_and_asks_why(interview, agent_olha, smtp_sink):
    interview.reminders = [{"before_minutes": 60, "channel": "email"}]
    interview.save()
    appointment, token = book_as_customer(interview, language="pl")
    response = missed(agent_olha, appointment, party="customer")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "missed"
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.MISSED
    worker_runs()
    [email] = [m for m in without_invitations(smtp_sink) if m["To"] == "dmytro@mail.example"]
    body = email.get_content()
    assert "chętnie znajdziemy inny termin" in body, "kind, in his language"
    assert f"/b/{token}/missed" in body, "a link to tell us why"
    assert "(America/New_York)" in body, "new times in his zone"
    # Its reminder will not come for a meeting that is over.
    worker_runs(at=appointment.start)
    assert Reminder.objects.get().state == Reminder.State.SKIPPED

    page = Client().get(f"/b/{token}/missed")
    assert page.status_code == 200 and "Brak prądu" in page.content.decode()
    answer = Client().post(f"/b/{token}/missed", {"reason": "power_cut", "note": "Blackout"})
    assert answer.status_code == 200
    record = MissedAppointment.objects.get()
    assert (record.reason, record.note, record.party) == ("power_cut", "Blackout", "customer")
    assert Event.objects.filter(kind="scheduling.missed_reason_given").count() == 1
    assert Event.objects.get(kind="scheduling.appointment_missed").conversation_id == (
        appointment.conversation_id
    )


def test_an_unknown_reason_is_refused_and_nothing_is_recorded(interview, agent_olha):
    appointment, token = book_as_customer(interview)
    assert missed(agent_olha, appointment, party="customer").status_code == 200
    refused = Client().post(f"/b/{token}/missed", {"reason": "lazy"})
    assert refused.status_code == 422
    assert MissedAppointment.objects.get().reason == ""
    assert missed(agent_olha, appointment, party="robot").status_code == 422


def test_repeated_misses_show_as_context_for_the_agent(interview, agent_olha, smtp_sink):
    first, _ = book_as_customer(interview, weeks=2)
    assert missed(agent_olha, first, party="customer", reason="power_cut").status_code == 200
    second, _ = book_as_customer(interview, weeks=3)
    assert missed(agent_olha, second, party="customer", reason="power_cut").status_code == 200
    third, _ = book_as_customer(interview, weeks=4)
    answer = api(agent_olha, "post", f"/api/v1/appointments/{third.pk}/lost-connection")
    assert answer.json()["earlier_missed"] == ["power_cut", "power_cut"]
    assert care.earlier_missed_text(third) == "2 earlier appointments missed: power cut, power cut"
    # The customer's messages keep the same tone: the third booking's reminder is the
    # same text a first-time customer gets.
    from klient.scheduling import messages

    fresh, _ = book_as_customer(interview, email="new@mail.example", weeks=5)
    text = messages.reminder(third).body.replace(third.reference, "")
    assert "missed" not in text.lower()
    assert text.split("\n")[0] == messages.reminder(fresh).body.split("\n")[0]


def test_missing_is_refused_for_an_appointment_that_is_not_booked(interview, agent_olha):
    appointment, _ = book_as_customer(interview)
    assert missed(agent_olha, appointment, party="agent").status_code == 200
    again = missed(agent_olha, appointment, party="agent")
    assert again.status_code == 422 and again.json()["detail"]
    assert MissedAppointment.objects.count() == 1


def test_an_agent_of_another_team_gets_404(interview, agent_bruno):
    appointment, _ = book_as_customer(interview)
    assert missed(agent_bruno, appointment, party="customer").status_code == 404
    assert not MissedAppointment.objects.exists()
