"""Story 4 end to end in a real browser (Debian's Chromium through Playwright): a customer
asks for an invoice through the request form (company name and VAT number required), an
agent sees it in the inbox and answers, and the customer signs into the portal with the
magic link from the real SMTP sink and reads the answer."""

import os
import re
from pathlib import Path

import pytest

from klient.conversations.models import Conversation
from klient.portal import sign_in
from klient.portal.demo import seed_demo

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.django_db(transaction=True)
def test_a_form_request_is_answered_and_read_in_the_portal(
    live_server, browser, settings, smtp_sink, agent_anna
):
    from playwright.sync_api import expect

    settings.KLIENT_FORM_MIN_FILL_SECONDS = 0  # the robot check is tested on its own
    settings.KLIENT_BASE_URL = live_server.url
    seed_demo()

    # Magdalena asks for an invoice, in Polish; the form insists on the VAT number.
    customer = browser.new_page()
    customer.set_default_timeout(15_000)
    customer.goto(f"{live_server.url}/forms/contact/?lang=pl")
    customer.locator("#id_email").fill("magda@pracownia.example")
    customer.locator("#id_subject").fill("Faktura VAT za zamówienie 4471")
    customer.get_by_label("Rodzaj sprawy").select_option("invoice")
    customer.get_by_label("Wiadomość").fill("Proszę o fakturę VAT.")
    customer.locator("form.request-form button[type=submit]").click()
    expect(customer.get_by_text("To pole jest wymagane, gdy").first).to_be_visible()
    customer.get_by_label("Nazwa firmy").fill("Pracownia Zielińska")
    customer.get_by_label("NIP (numer VAT)").fill("526-025-09-95")
    customer.locator("form.request-form button[type=submit]").click()
    expect(customer.get_by_text("Dziękujemy.")).to_be_visible()
    conversation = Conversation.objects.get()
    assert conversation.channel == "web"

    # Anna sees it in her inbox and answers.
    agent = browser.new_page()
    agent.set_default_timeout(15_000)
    agent.goto(live_server.url + "/")
    agent.get_by_label("Email address").fill("anna@shop.example")
    agent.get_by_label("Password").fill("correct horse battery")
    agent.get_by_role("button", name="Sign in").click()
    agent.get_by_role("link", name="Faktura VAT za zamówienie 4471").click()
    expect(agent.get_by_text("NIP (numer VAT): PL5260250995")).to_be_visible()
    agent.locator("#id_body").fill("Dzień dobry, faktura jest w drodze.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".thread")).to_contain_text("faktura jest w drodze")

    # Magdalena signs into the portal with the link she receives and reads the answer.
    customer.goto(f"{live_server.url}/portal/?lang=pl")
    customer.locator("#id_email").fill("magda@pracownia.example")
    customer.locator("form.portal-card button").click()
    expect(customer.get_by_role("status")).to_contain_text("link")
    sign_in.redrive_sign_in_links()  # what the worker's sweep does
    [email] = [m for m in smtp_sink.wait_for(1) if "logowania" in str(m["Subject"])]
    link = re.search(r"http\S+/portal/sign-in/\S+/", email.get_content()).group(0)
    customer.goto(link)
    customer.locator("#sign-in-button").click()
    customer.get_by_role("link", name=re.compile("Faktura VAT za zamówienie 4471")).click()
    expect(customer.locator(".portal-thread")).to_contain_text("faktura jest w drodze")
    expect(customer.locator(".portal-thread")).to_contain_text("Proszę o fakturę VAT.")
