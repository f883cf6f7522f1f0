"""Story 4 end to end in a real browser (Debian's Chromium) against the real ASGI server: a
customer asks for an invoice through the Polish request form; Anna, whose inbox is open,
sees the request arrive without reloading; she answers with a saved reply in Polish; the
answer goes out by email to the real SMTP sink; the customer signs into the portal with the
magic link from that sink and reads the answer there."""

import re

import pytest

from klient.conversations.models import Conversation
from klient.core import wiring
from klient.macros.actions import save_macro
from klient.portal import sign_in
from klient.portal.demo import seed_demo
from klient.portal.models import RequestForm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMER = "magda@pracownia.example"
SUBJECT = "Faktura VAT za zamówienie 4471"
INVOICE_ON_ITS_WAY = {
    "en": "Hello {{ customer.first_name }},\n\nthe VAT invoice for "
    "{{ conversation.reference }} is on its way.\n\n{{ agent.first_name }}",
    "pl": "Dzień dobry {{ customer.first_name }},\n\nfaktura VAT do sprawy "
    "{{ conversation.reference }} jest już w drodze.\n\n{{ agent.first_name }}",
}


def mail_where(smtp_sink, matches, timeout=10.0):
    """The messages in the sink that match, waiting until there is at least one."""
    with smtp_sink.arrived:
        smtp_sink.arrived.wait_for(lambda: any(map(matches, smtp_sink.parsed())), timeout)
    return [message for message in smtp_sink.parsed() if matches(message)]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def test_a_form_request_appears_live_is_answered_with_a_polish_macro_and_read_in_the_portal(
    asgi_server, chromium, settings, smtp_sink, agent_anna, support_team
):
    from playwright.sync_api import expect

    settings.KLIENT_FORM_MIN_FILL_SECONDS = 0  # the robot check is tested in tests/portal
    settings.KLIENT_BASE_URL = asgi_server.url
    request_form = seed_demo()
    assert request_form is not None
    RequestForm.objects.filter(pk=request_form.pk).update(team=support_team)
    save_macro(actor=agent_anna, name="Faktura w drodze", texts=INVOICE_ON_ITS_WAY)

    # Anna has her inbox open.
    agent = asgi_server.page_for(chromium, agent_anna)
    agent.goto(asgi_server.url + "/")
    expect(agent.locator("html")).to_have_attribute("data-live", "connected")
    expect(agent.locator("#inbox-list")).not_to_contain_text(SUBJECT)
    agent.evaluate("window.notReloaded = true")

    # Magdalena, in her own browser (no agent session), asks for an invoice in Polish;
    # the form insists on the VAT number for an invoice.
    customer = chromium.new_context(viewport={"width": 1024, "height": 800}).new_page()
    customer.set_default_timeout(15_000)
    customer.goto(f"{asgi_server.url}/forms/contact/?lang=pl")
    expect(customer.get_by_role("heading", name="Napisz do nas")).to_be_visible()
    # The honeypot is off screen, so a person leaves it empty (a robot fills it in).
    expect(customer.locator("#id_website")).not_to_be_in_viewport()
    customer.locator("#id_email").fill(CUSTOMER)
    customer.locator("#id_name").fill("Magdalena Zielińska")
    customer.locator("#id_subject").fill(SUBJECT)
    customer.get_by_label("Rodzaj sprawy").select_option("invoice")
    customer.get_by_label("Wiadomość").fill("Proszę o fakturę VAT.")
    customer.locator("form.request-form button[type=submit]").click()
    expect(customer.get_by_text("To pole jest wymagane, gdy").first).to_be_visible()
    customer.get_by_label("Nazwa firmy").fill("Pracownia Zielińska")
    customer.get_by_label("NIP (numer VAT)").fill("526-025-09-95")
    customer.locator("form.request-form button[type=submit]").click()
    expect(customer.get_by_text("Dziękujemy.")).to_be_visible()
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.language) == ("web", "pl")

    # The worker runs the handlers of the committed submission: Anna's open inbox shows
    # the request without a reload.
    wiring.dispatch_pending()
    row = agent.locator("#inbox-list").get_by_role("link", name=SUBJECT)
    expect(row).to_be_visible()
    assert agent.evaluate("window.notReloaded") is True

    # She opens it, picks the Polish saved reply from the keyboard and sends it.
    row.click()
    expect(agent.get_by_text("NIP (numer VAT): PL5260250995")).to_be_visible()
    agent.wait_for_load_state("domcontentloaded")  # the page's deferred scripts bind the keys
    agent.keyboard.press("Alt+m")
    expect(agent.locator("#macro-picker")).to_be_focused()
    agent.locator("#macro-picker").select_option(label="Faktura w drodze")
    agent.keyboard.press("Enter")
    polish_reply = (
        f"Dzień dobry Magdalena,\n\nfaktura VAT do sprawy {conversation.reference} "
        "jest już w drodze.\n\nAnna"
    )
    expect(agent.locator("#id_body")).to_have_value(polish_reply)
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".thread")).to_contain_text("jest już w drodze")

    # The worker sends it: the reply reaches the customer's mailbox, in Polish.
    wiring.dispatch_pending()
    replies = mail_where(
        smtp_sink, lambda m: CUSTOMER in str(m["To"]) and "jest już w drodze" in text_of(m)
    )
    assert len(replies) == 1
    assert conversation.reference in str(replies[0]["Subject"])
    expect(agent.locator(".thread .delivery-sent")).to_have_text("Sent")  # live, too

    # Magdalena asks the portal for a sign-in link, takes it from her mailbox, signs in and
    # reads the answer next to her request.
    customer.goto(f"{asgi_server.url}/portal/?lang=pl")
    customer.locator("#id_email").fill(CUSTOMER)
    customer.locator("form.portal-card button").click()
    expect(customer.get_by_role("status")).to_contain_text("link")
    sign_in.redrive_sign_in_links()  # what the worker does with the queued link
    [email] = mail_where(smtp_sink, lambda m: "logowania" in str(m["Subject"]))
    link = re.search(r"http\S+/portal/sign-in/\S+/", text_of(email))
    assert link is not None
    customer.goto(link.group(0))
    customer.locator("#sign-in-button").click()
    customer.get_by_role("link", name=re.compile(SUBJECT)).click()
    thread = customer.locator(".portal-thread")
    expect(thread).to_contain_text("Proszę o fakturę VAT.")
    expect(thread).to_contain_text(
        f"faktura VAT do sprawy {conversation.reference} jest już w drodze."
    )
    expect(thread).to_contain_text("Dzień dobry Magdalena,")
