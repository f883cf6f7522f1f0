"""Story 2: an agent asks a colleague from inside the case; the request, who took it and
how long the customer waits are visible on the conversation; the answer comes back there.

Anna (Support) has a French customer's invoice question and asks Bruno (Billing)."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError

from klient.collab import actions
from klient.collab.access import request_grants_read
from klient.collab.models import ColleagueRequest
from klient.core.models import Event
from klient.core.wiring import dispatch_pending
from klient.notifications.models import Notification

QUESTION = "Camille a reçu deux factures pour la commande 5512 : laquelle est valable ?"
ANSWER = "La facture FA-2291 est la bonne ; j'annule FA-2290 aujourd'hui."


def text(response) -> str:
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def ask_bruno(anna_client, conversation, agent_bruno, question=QUESTION):
    return anna_client.post(
        f"/collab/c/{conversation.reference}/ask/",
        {"to": f"agent:{agent_bruno.pk}", "question": question},
    )


def test_anna_asks_bruno_he_answers_and_the_answer_shows_on_the_conversation(
    smtp_sink, invoice_question, agent_anna, agent_bruno, anna_client, bruno_client
):
    # Anna asks from the conversation page.
    response = ask_bruno(anna_client, invoice_question, agent_bruno)
    assert response.status_code == 302
    request = ColleagueRequest.objects.get()
    assert (request.asked_by, request.asked_agent, request.question) == (
        agent_anna,
        agent_bruno,
        QUESTION,
    )
    assert request.is_open

    # Bruno is notified in the app and by email.
    [note] = Notification.objects.filter(recipient=agent_bruno)
    assert note.kind == "collab.asked" and note.url == f"/collab/requests/{request.pk}/"
    dispatch_pending()
    [email] = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "bruno@shop.example"
    assert "Camille a reçu deux factures" in email.get_content()

    # Bruno, in Billing, cannot open the Support conversation itself...
    assert bruno_client.get(f"/c/{invoice_question.reference}/").status_code == 404
    # ...but sees the request on /collab/ and reads the thread through it, read-only.
    assert QUESTION in text(bruno_client.get("/collab/"))
    page = text(bruno_client.get(f"/collab/requests/{request.pk}/"))
    assert "j'ai reçu deux factures pour la même commande" in page
    assert "read-only" in page
    assert Event.objects.filter(kind="collab.grant_used", actor=agent_bruno).count() == 1

    # He answers in the app.
    response = bruno_client.post(f"/collab/requests/{request.pk}/answer/", {"answer": ANSWER})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.answer, request.answered_by) == ("answered", ANSWER, agent_bruno)

    # Anna is notified, in the app and by email.
    [back] = Notification.objects.filter(recipient=agent_anna, kind="collab.answered")
    assert back.url == f"/c/{invoice_question.reference}/"
    dispatch_pending()
    emails = smtp_sink.wait_for(2)
    assert [e["To"].addresses[0].addr_spec for e in emails] == [
        "bruno@shop.example",
        "anna@shop.example",
    ]
    assert "FA-2291" in emails[1].get_content()

    # The conversation shows the answer in the collab panel and in the timeline.
    page = text(anna_client.get(f"/c/{invoice_question.reference}/"))
    assert "La facture FA-2291 est la bonne" in page
    assert Event.objects.filter(
        conversation=invoice_question, kind="collab.answered", actor=agent_bruno
    ).exists()


def test_the_grant_ends_when_the_request_is_answered(
    invoice_question, agent_anna, agent_bruno, bruno_client
):
    request = actions.ask(invoice_question, actor=agent_anna, question=QUESTION, agent=agent_bruno)
    assert request_grants_read(agent_bruno, invoice_question.pk)

    actions.answer(request, actor=agent_bruno, text=ANSWER)

    assert not request_grants_read(agent_bruno, invoice_question.pk)
    page = text(bruno_client.get(f"/collab/requests/{request.pk}/"))
    assert ANSWER in page  # he still sees his own request and answer
    assert "deux factures pour la même commande" not in page  # but no longer the thread


def test_the_grant_ends_when_the_question_is_withdrawn(
    invoice_question, agent_anna, agent_bruno, anna_client
):
    request = actions.ask(invoice_question, actor=agent_anna, question=QUESTION, agent=agent_bruno)

    anna_client.post(f"/collab/requests/{request.pk}/cancel/")

    request.refresh_from_db()
    assert request.state == "cancelled"
    assert not request_grants_read(agent_bruno, invoice_question.pk)


def test_an_agent_not_involved_gets_a_404_for_the_request(
    invoice_question, agent_anna, agent_bruno, agent_carla
):
    from django.test import Client

    request = actions.ask(invoice_question, actor=agent_anna, question=QUESTION, agent=agent_bruno)
    carla = Client()
    carla.force_login(agent_carla)

    assert carla.get(f"/collab/requests/{request.pk}/").status_code == 404
    assert carla.post(f"/collab/requests/{request.pk}/answer/", {"answer": "x"}).status_code == 404
    assert not request_grants_read(agent_carla, invoice_question.pk)


def test_a_team_request_is_taken_by_one_member_who_then_answers(
    invoice_question, agent_anna, agent_bruno, agent_carla, billing_team, bruno_client
):
    actions.ask(invoice_question, actor=agent_anna, question=QUESTION, team=billing_team)
    request = ColleagueRequest.objects.get()
    # Every member of Billing is notified and may read the thread until someone takes it.
    assert {n.recipient for n in Notification.objects.filter(kind="collab.asked")} == {
        agent_bruno,
        agent_carla,
    }
    assert request_grants_read(agent_carla, invoice_question.pk)

    page = text(bruno_client.get(f"/collab/requests/{request.pk}/"))
    assert "I'll take it" in page
    bruno_client.post(f"/collab/requests/{request.pk}/take/")

    request.refresh_from_db()
    assert request.taken_by == agent_bruno
    assert not request_grants_read(agent_carla, invoice_question.pk)
    with pytest.raises(ValidationError):
        actions.answer(request, actor=agent_carla, text="Moi aussi")
    actions.answer(request, actor=agent_bruno, text=ANSWER)
    assert ColleagueRequest.objects.get().answered_by == agent_bruno


def test_the_conversation_shows_open_requests_who_took_them_and_the_customer_waiting(
    invoice_question, agent_anna, agent_bruno, billing_team, anna_client
):
    actions.ask(invoice_question, actor=agent_anna, question=QUESTION, team=billing_team)
    actions.take(ColleagueRequest.objects.get(), actor=agent_bruno)

    page = text(anna_client.get(f"/c/{invoice_question.reference}/"))

    assert QUESTION in page
    assert "taken by Bruno Martin" in page
    assert "Open for" in page
    assert "Customer waiting for" in page


def test_one_cannot_ask_nobody_or_oneself(invoice_question, agent_anna, billing_team):
    with pytest.raises(ValidationError):
        actions.ask(invoice_question, actor=agent_anna, question=QUESTION)
    with pytest.raises(ValidationError):
        actions.ask(invoice_question, actor=agent_anna, question=QUESTION, agent=agent_anna)
    with pytest.raises(ValidationError):
        actions.ask(invoice_question, actor=agent_anna, question="  ", team=billing_team)
    assert not ColleagueRequest.objects.exists()


def test_an_agent_cannot_ask_about_a_conversation_outside_their_scope(
    invoice_question, agent_bruno, agent_anna, bruno_client
):
    response = bruno_client.post(
        f"/collab/c/{invoice_question.reference}/ask/",
        {"to": f"agent:{agent_anna.pk}", "question": "?"},
    )
    assert response.status_code == 404
    assert not ColleagueRequest.objects.exists()
