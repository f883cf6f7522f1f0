"""A customer books one of Olha's free slots without an account; a slot already taken is
refused with the next free ones; the booking is in the customer's conversation."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta

import pytest
from scheduling_helpers import api, make_agent, next_monday, slots

from klient.core.models import Event
from klient.scheduling.models import Appointment


def booking_body(start, **fields):
    return {
        "booking_type": "interview",
        "start": start,
        "name": "Dmytro Bondar",
        "email": "Dmytro@Mail.example",
        "time_zone": "America/New_York",
        **fields,
    }


def test_a_customer_books_a_free_slot_and_it_is_in_their_conversation(interview, agent_olha):
    monday = next_monday()
    first = slots("interview", monday, time_zone="America/New_York")[0][0]
    response = api(None, "post", "/api/v1/bookings", booking_body(first))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["start"] == first, "in the customer's zone"
    assert answer["reference"].startswith("B-")
    assert "/b/" in answer["manage_url"]
    token = answer["manage_url"].rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40, "32 random bytes"
    appointment = Appointment.objects.get()
    assert token not in appointment.manage_token_hash, "only its hash is stored"
    assert appointment.agent == agent_olha
    assert appointment.start == datetime.fromisoformat(first)
    assert appointment.customer.identities.get().value == "dmytro@mail.example"
    conversation = appointment.conversation
    assert conversation is not None and conversation.customer == appointment.customer
    booked = Event.objects.get(kind="scheduling.appointment_booked")
    assert booked.conversation == conversation
    assert booked.data["reference"] == answer["reference"]
    # Olha (Support) sees the booking in the conversation's timeline.
    seen = api(agent_olha, "get", f"/api/v1/conversations/{conversation.reference}").json()
    assert "scheduling.appointment_booked" in [e["kind"] for e in seen["events"]]
    assert "Booked: Interview" in seen["messages"][0]["body_text"]
    # The slot is gone for everyone.
    assert first not in [s for s, _ in slots("interview", monday, time_zone="America/New_York")]


def test_a_taken_slot_is_refused_with_the_next_free_ones(interview, agent_olha):
    monday = next_monday()
    first = slots("interview", monday, time_zone="Asia/Kathmandu")[0][0]
    assert api(None, "post", "/api/v1/bookings", booking_body(first)).status_code == 201
    again = api(None, "post", "/api/v1/bookings", booking_body(first, email="other@mail.example"))
    assert again.status_code == 409
    alternatives = again.json()["alternatives"]
    assert len(alternatives) == 5
    assert first not in [a["start"] for a in alternatives]
    assert alternatives[0]["start"].endswith("-05:00") or alternatives[0]["start"].endswith(
        "-04:00"
    )
    assert Appointment.objects.count() == 1


def test_bookings_refuse_what_they_cannot_keep(interview, agent_olha):
    from klient.scheduling.actions import update_booking_type

    update_booking_type(
        interview, actor=agent_olha, questions=[{"label": "Topic", "required": True}]
    )
    monday = next_monday()
    first = slots("interview", monday)[0][0]
    for body, words in [
        (booking_body(first), "Topic needs an answer"),
        (booking_body(first, answers={"Topic": "x"}, email="nope"), "email"),
        (booking_body(first, answers={"Topic": "x"}, time_zone="Nowhere/City"), "time_zone"),
        (booking_body("2027-03-29T09:00:00", answers={"Topic": "x"}), "start"),
    ]:
        response = api(None, "post", "/api/v1/bookings", body)
        assert response.status_code == 422, (body, response.content)
        assert words in response.json()["detail"]
    off_grid = (datetime.fromisoformat(first) + timedelta(minutes=7)).isoformat()
    response = api(None, "post", "/api/v1/bookings", booking_body(off_grid, answers={"Topic": "x"}))
    assert response.status_code == 409
    assert not Appointment.objects.exists()
    unknown = api(None, "post", "/api/v1/bookings", booking_body(first, booking_type="nope"))
    assert unknown.status_code == 404


def test_a_team_booking_goes_to_a_free_member_in_turn(agent_olha, support_team, admin_zofia):
    from klient.scheduling.actions import create_booking_type

    petro = make_agent("petro@shop.example", "Petro", teams=[support_team])
    create_booking_type(
        actor=admin_zofia,
        name="Support call",
        slug="support-call",
        team=support_team.pk,
        kind="phone",
        duration_minutes=60,
        step_minutes=60,
    )
    monday = next_monday()
    first = slots("support-call", monday)[0][0]
    body = booking_body(first, booking_type="support-call")
    assert api(None, "post", "/api/v1/bookings", body).status_code == 201
    body = booking_body(first, booking_type="support-call", email="second@mail.example")
    assert api(None, "post", "/api/v1/bookings", body).status_code == 201
    assert {a.agent for a in Appointment.objects.all()} == {agent_olha, petro}
    body = booking_body(first, booking_type="support-call", email="third@mail.example")
    assert api(None, "post", "/api/v1/bookings", body).status_code == 409


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_attempts_on_one_slot_one_wins(support_team):
    from django.db import connection

    from klient.scheduling.actions import create_booking_type

    olha = make_agent("olha@shop.example", "Olha Koval", teams=[support_team])
    create_booking_type(
        actor=olha,
        name="Interview",
        slug="interview",
        agent=olha.pk,
        kind="video",
        location="https://meet.example/olha",
        duration_minutes=60,
        buffer_after_minutes=15,
    )
    first = slots("interview", next_monday())[0][0]
    barrier = threading.Barrier(50)
    answers: list[tuple[int, dict]] = []

    def attempt(index):
        try:
            barrier.wait(timeout=30)
            response = api(
                None,
                "post",
                "/api/v1/bookings",
                booking_body(first, email=f"c{index}@mail.example"),
            )
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(code for code, _ in answers)
    assert codes == [201] + [409] * 49, codes
    assert all(body["alternatives"] for code, body in answers if code == 409)
    assert Appointment.objects.filter(state="booked").count() == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_the_database_itself_refuses_overlapping_appointments(interview, agent_olha):
    from django.db import IntegrityError, transaction
    from scheduling_helpers import book

    monday = next_monday()
    start = datetime.fromisoformat(slots("interview", monday)[0][0])
    book(interview, agent_olha, start, after=15)
    with pytest.raises(IntegrityError), transaction.atomic():
        book(interview, agent_olha, start + timedelta(minutes=70))  # inside the buffer


def test_an_appointment_saved_without_its_span_blocks_only_its_own_time(interview, agent_olha):
    """The stored span is computed on save: left empty it would be an unbounded range to
    PostgreSQL's exclusion constraint, and one such row would refuse every other booking
    of the agent."""
    monday = next_monday()
    first = datetime.fromisoformat(slots("interview", monday)[0][0])
    Appointment.objects.create(
        booking_type=interview,
        agent=agent_olha,
        start=first,
        end=first + timedelta(hours=1),
        buffer_after_minutes=0,
    )
    taken = Appointment.objects.get()
    assert (taken.blocked_from, taken.blocked_until) == (first, first + timedelta(hours=1))

    body = booking_body(slots("interview", monday)[0][0])
    assert api(None, "post", "/api/v1/bookings", body).status_code == 201
    assert Appointment.objects.count() == 2
