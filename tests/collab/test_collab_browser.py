"""Ask a colleague in a real browser (Debian's Chromium through Playwright): Anna asks
Bruno from the conversation page, Bruno signs in, finds the request, answers, and Anna
sees the answer on the conversation."""

from __future__ import annotations

import pytest

from asgi_server import signed_in_page
from klient.collab.models import ColleagueRequest

pytestmark = pytest.mark.browser

QUESTION = "Camille a deux factures pour la commande 5512 : laquelle est valable ?"
ANSWER = "FA-2291 est la bonne, j'annule FA-2290."


@pytest.mark.django_db(transaction=True)
def test_anna_asks_bruno_who_answers_and_anna_sees_the_answer(
    live_server, chromium, invoice_question, agent_anna, agent_bruno
):
    from playwright.sync_api import expect

    ref = invoice_question.reference
    anna = signed_in_page(chromium, live_server.url, "anna@shop.example", "correct horse battery")
    expect(anna.get_by_role("heading", name="Inbox")).to_be_visible()
    anna.goto(f"{live_server.url}/c/{ref}/")
    panel = anna.locator("#collab")
    panel.get_by_label("Whom to ask").select_option(label="Bruno Martin")
    panel.get_by_label("Question").fill(QUESTION)
    panel.get_by_role("button", name="Send the question").click()
    expect(anna.get_by_text("Your question was sent.")).to_be_visible()
    expect(anna.locator("#collab")).to_contain_text(QUESTION)
    request = ColleagueRequest.objects.get()

    bruno = signed_in_page(chromium, live_server.url, "bruno@shop.example", "pw-bruno-123")
    bruno.get_by_role("link", name="Colleagues").click()
    expect(bruno.get_by_role("heading", name="Questions from colleagues")).to_be_visible()
    bruno.get_by_role("link", name=ref).click()
    expect(bruno.locator(".collab-thread")).to_contain_text("deux factures pour la même commande")
    bruno.get_by_label("Your answer").fill(ANSWER)
    bruno.get_by_role("button", name="Send the answer").click()
    expect(bruno.get_by_text("Your answer was sent.")).to_be_visible()

    anna.goto(f"{live_server.url}/c/{ref}/")
    expect(anna.locator("#collab")).to_contain_text(ANSWER)
    expect(anna.locator("#collab")).to_contain_text("Bruno Martin")
    request.refresh_from_db()
    assert request.state == ColleagueRequest.State.ANSWERED
