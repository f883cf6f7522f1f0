"""The survey page on a phone without JavaScript (Debian's Chromium through Playwright):
Ola, who writes in Polish, taps "Źle" in the email; the page opens with it chosen, in
Polish, fitting a 375-pixel screen; she adds a comment and sends it."""

from __future__ import annotations

import pytest
from survey_steps import links, solve

from klient.surveys.models import Survey
from support import worker_runs

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.mark.django_db(transaction=True)
def test_a_polish_customer_answers_on_a_phone_without_javascript(
    live_server, chromium, smtp_sink, support_team, receive, agent_anna, surveys_on
):
    from playwright.sync_api import expect

    surveys_on(scale="good_bad", ask_comment=True)
    conversation = receive(
        support_team, "ola@example.com", "Faktura VAT", "Dzień dobry, proszę o fakturę VAT.",
        language="pl",
    ).conversation  # fmt: skip
    solve(conversation, agent_anna)
    worker_runs()
    (email,) = smtp_sink.wait_for(1)
    assert email["Subject"] == f"Jak nam poszło? Pani/Pana zgłoszenie {conversation.reference}"

    context = chromium.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + links(email)["bad"])
    expect(page.get_by_role("heading", name="Jak nam poszło?")).to_be_visible()
    expect(page.get_by_label("Źle")).to_be_checked()
    expect(page.get_by_label("Dobrze")).not_to_be_checked()
    for element in (page.get_by_role("button", name="Wyślij"), page.locator("textarea")):
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert Survey.objects.get().rating == ""  # opening the link stored nothing

    page.get_by_label("Chce Pani/Pan coś nam przekazać? (opcjonalnie)").fill("Faktura przyszła.")
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_text("Dziękujemy, odpowiedź została zapisana.")).to_be_visible()
    survey = Survey.objects.get()
    assert (survey.rating, survey.comment) == ("bad", "Faktura przyszła.")
    context.close()
