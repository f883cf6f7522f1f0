"""Support's team call: a slot is offered when any member is free, and who gets the
appointment follows the desk's routing rules when they have a say (a Ukrainian speaker
for a customer booking in Ukrainian, the tax specialist, the customer's personal
owner), else the members take turns (round-robin)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from scheduling_helpers import api, book, make_agent, next_monday, slots

from klient.core.models import Event
from klient.scheduling.models import Appointment


@pytest.fixture
def petro(support_team):
    """Petro, Olha's colleague in Support, who speaks Ukrainian and knows taxes."""
    agent = make_agent("petro@shop.example", "Petro Melnyk", teams=[support_team])
    agent.agent.languages, agent.agent.skills = ["uk", "en"], ["tax"]
    agent.agent.save(update_fields=["languages", "skills"])
    return agent


@pytest.fixture
def team_call(admin_zofia, support_team, agent_olha, petro):
    from klient.scheduling.actions import create_booking_type

    return create_booking_type(
        actor=admin_zofia,
        name="Support call",
        slug="support-call",
        team=support_team.pk,
        kind="phone",
        duration_minutes=60,
        step_minutes=60,
    )


def book_call(start, *, email, language="", name="Customer"):
    body = {
        "booking_type": "support-call",
        "start": start,
        "name": name,
        "email": email,
        "time_zone": "Europe/Kyiv",
        "language": language,
    }
    response = api(None, "post", "/api/v1/bookings", body)
    assert response.status_code == 201, response.content
    return Appointment.objects.get(pk=response.json()["id"])


def how_assigned(appointment):
    kind = "scheduling.appointment_booked"
    event = Event.objects.get(kind=kind, data__appointment=appointment.pk)
    return event.data["assigned"], event.data["rule"]


def test_without_rules_the_members_take_turns(team_call, agent_olha, petro):
    first, second = slots("support-call", next_monday())[:2]
    one = book_call(first[0], email="one@mail.example", language="uk")
    two = book_call(second[0], email="two@mail.example", language="uk")
    assert {one.agent, two.agent} == {agent_olha, petro}, "each gets one, in turn"
    assert how_assigned(one) == ("round_robin", None)
    # Without rules the desk keeps its shared queue: the conversation is not assigned.
    assert one.conversation.assignee is None


def test_a_rule_by_language_gives_a_ukrainian_booking_to_the_ukrainian_speaker(
    team_call, agent_olha, petro
):
    from klient.routing.rules import create_rule

    rule = create_rule(
        actor=None,
        name="Ukrainian speakers",
        languages=["uk"],
        pick_language="uk",
        strategy="least_load",
    )
    monday = next_monday()
    times = [start for start, _end in slots("support-call", monday)[:4]]
    # Round-robin alone would have alternated; the rule keeps choosing Petro.
    made = [
        book_call(t, email=f"c{i}@mail.example", language="uk") for i, t in enumerate(times[:3])
    ]
    assert [a.agent for a in made] == [petro, petro, petro]
    assert how_assigned(made[0]) == ("rule", rule.pk)
    # The conversation is Petro's too (routing chose whom the customer meets).
    assert made[0].conversation.assignee == petro
    # A booking in English matches no rule: round-robin, Olha's turn (she has none yet).
    english = book_call(times[3], email="en@mail.example", language="en")
    assert english.agent == agent_olha
    assert how_assigned(english) == ("round_robin", None)


def test_a_rule_by_skill_picks_the_specialist_and_nobody_free_in_its_pool_falls_back(
    team_call, agent_olha, petro, support_team
):
    from klient.routing.rules import create_rule

    create_rule(actor=None, name="Tax questions", teams=[support_team.pk], pick_skill="tax")
    monday = next_monday()
    first, second = (start for start, _end in slots("support-call", monday)[:2])
    assert book_call(first, email="a@mail.example").agent == petro
    # Petro is busy at the second time (another commitment): the slot is still offered,
    # since Olha is free, and goes to her.
    book(team_call, petro, datetime.fromisoformat(second))
    assert second in [start for start, _end in slots("support-call", monday)]
    fallback = book_call(second, email="b@mail.example")
    assert fallback.agent == agent_olha
    assert how_assigned(fallback) == ("round_robin", None)


def test_a_round_robin_rule_takes_turns_among_its_pool(team_call, agent_olha, petro):
    from klient.routing.rules import create_rule

    create_rule(actor=None, name="Web bookings", channels=["web"], strategy="round_robin")
    monday = next_monday()
    times = [start for start, _end in slots("support-call", monday)[:4]]
    made = [book_call(t, email=f"r{i}@mail.example") for i, t in enumerate(times)]
    agents = [a.agent for a in made]
    assert set(agents) == {agent_olha, petro}
    assert all(a != b for a, b in itertools.pairwise(agents)), agents
    assert {how_assigned(a)[0] for a in made} == {"rule"}


def test_the_customers_personal_owner_gets_their_booking_when_free(team_call, agent_olha, petro):
    from klient.people.actions import find_or_create_customer_by_email
    from klient.people.ownership import set_customer_owner

    customer = find_or_create_customer_by_email("halyna@mail.example", "Halyna")
    set_customer_owner(customer, agent_olha, actor=None)
    monday = next_monday()
    times = [start for start, _end in slots("support-call", monday)[:2]]
    # Olha is her owner: both her bookings go to Olha, not in turn.
    made = [book_call(t, email="Halyna@Mail.example") for t in times]
    assert [a.agent for a in made] == [agent_olha, agent_olha]
    assert how_assigned(made[0]) == ("owner", None)
    # Olha busy: the owner step is skipped (as routing skips an owner out of hours).
    later = datetime.fromisoformat(times[1]) + timedelta(hours=2)
    book(team_call, agent_olha, later)
    third = book_call(later.isoformat(), email="halyna@mail.example")
    assert third.agent == petro
