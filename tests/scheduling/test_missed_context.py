"""Story 1, seen by Olha: Dmytro's power went out twice before the interview could happen.
On his third booking she sees it as context, in the appointment's API answer, on the
conversation page and in her appointments list ("2 earlier appointments missed: power
cut, power cut"). It is never a penalty: what Dmytro receives reads exactly as what a
first-time customer receives."""

from __future__ import annotations

import re
from datetime import timedelta

from care_helpers import book_as_customer
from django.test import Client
from scheduling_helpers import api

from support import worker_runs


def missed(agent, appointment, reason):
    answer = api(
        agent,
        "post",
        f"/api/v1/appointments/{appointment.pk}/missed",
        {"party": "customer", "reason": reason},
    )
    assert answer.status_code == 200, answer.content


def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


def test_earlier_misses_are_context_in_the_api_and_on_the_agents_pages(interview, agent_olha):
    first, _ = book_as_customer(interview, weeks=2)
    missed(agent_olha, first, "power_cut")
    second, _ = book_as_customer(interview, weeks=3)
    missed(agent_olha, second, "power_cut")
    third, _ = book_as_customer(interview, weeks=4)

    answer = api(agent_olha, "get", f"/api/v1/appointments/{third.pk}").json()
    assert answer["earlier_missed"] == ["power_cut", "power_cut"]
    assert (
        api(agent_olha, "get", f"/api/v1/appointments/{first.pk}").json()["earlier_missed"] == []
    ), "nothing before the first"
    listed = {a["id"]: a for a in api(agent_olha, "get", "/api/v1/appointments").json()}
    assert listed[third.pk]["earlier_missed"] == ["power_cut", "power_cut"]
    assert listed[second.pk]["earlier_missed"] == ["power_cut"]

    page = signed_in(agent_olha).get(f"/c/{third.conversation.reference}/").content.decode()
    assert "2 earlier appointments missed: power cut, power cut" in page
    listing = signed_in(agent_olha).get("/scheduling/appointments/").content.decode()
    assert "2 earlier appointments missed: power cut, power cut" in listing

    # Olha reads Klient in Polish: the context is worded in her language.
    from klient.people.actions import set_agent_language

    set_agent_language(agent_olha, "pl", actor=None)
    page = signed_in(agent_olha).get(f"/c/{third.conversation.reference}/").content.decode()
    assert "wcześniejsze spotkania nieodbyte: brak prądu, brak prądu" in page


def test_an_agents_miss_is_not_counted_as_the_customers(interview, agent_olha):
    first, _ = book_as_customer(interview, weeks=2)
    api(agent_olha, "post", f"/api/v1/appointments/{first.pk}/missed", {"party": "agent"})
    second, _ = book_as_customer(interview, weeks=3)
    assert (
        api(agent_olha, "get", f"/api/v1/appointments/{second.pk}").json()["earlier_missed"] == []
    )


def comparable(email, appointment):
    """The email's text with what differs between two customers taken out: names,
    addresses, references, links, times."""
    text = email.get_body(preferencelist=("plain",)).get_content()
    customer = appointment.customer
    for value in (customer.name, customer.primary_email(), appointment.reference):
        text = text.replace(value, "<x>")
    text = re.sub(r"https?://\S+", "<link>", text)
    return re.sub(r"\d", "0", text)


def test_the_customers_emails_do_not_change_with_their_history(interview, agent_olha, smtp_sink):
    interview.reminders = [{"before_minutes": 60, "channel": "email"}]
    interview.save()
    for weeks in (2, 3):
        earlier, _ = book_as_customer(interview, weeks=weeks, language="uk")
        missed(agent_olha, earlier, "power_cut")
    worker_runs()
    smtp_sink.messages.clear()
    # The same interview, the same week, for Dmytro (two misses) and a first-time customer.
    dmytro, _ = book_as_customer(interview, weeks=6, language="uk")
    fresh, _ = book_as_customer(
        interview, weeks=6, language="uk", email="nadiia@mail.example", name="Nadiia Shevchenko"
    )
    worker_runs()  # the confirmations
    worker_runs(at=dmytro.start - timedelta(minutes=59))  # reminders
    worker_runs(at=fresh.start - timedelta(minutes=59))
    for appointment in (dmytro, fresh):
        missed(agent_olha, appointment, "power_cut")  # and the kind message after a miss
    worker_runs()
    received = {"dmytro@mail.example": [], "nadiia@mail.example": []}
    for email in smtp_sink.parsed():
        received[email["To"]].append(email)
    assert len(received["dmytro@mail.example"]) == 3, "booked, reminded, missed"
    ours = [comparable(e, dmytro) for e in received["dmytro@mail.example"]]
    theirs = [comparable(e, fresh) for e in received["nadiia@mail.example"]]
    assert ours == theirs, "the same words, whatever his history"
    subjects = [re.sub(r"\d", "0", e["Subject"]) for e in received["dmytro@mail.example"]]
    assert subjects == [re.sub(r"\d", "0", e["Subject"]) for e in received["nadiia@mail.example"]]
