"""In a real browser (Debian's Chromium) against the real ASGI server: Anna has a
conversation open and is writing her reply; a colleague's internal note, then the
customer's new email, appear in her thread without a reload, and her draft stays as it is."""

import pytest

from klient.core import wiring
from klient.people.actions import create_agent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agent_piotr(support_team):
    """Piotr, Anna's colleague in Support."""
    user, _ = create_agent(
        "piotr@shop.example", name="Piotr Kowalski", teams=[support_team], password="pw-piotr-1"
    )
    return user


def test_a_colleagues_note_and_a_customers_email_appear_in_an_open_conversation(
    asgi_server, chromium, agent_anna, agent_piotr, support_team, receive
):
    from playwright.sync_api import expect

    conversation = receive(
        support_team, "ola@example.com", "Faktura VAT", "Proszę o fakturę VAT.", from_name="Ola"
    ).conversation
    url = f"{asgi_server.url}/c/{conversation.reference}/"
    wiring.dispatch_pending()  # what came before the pages opened

    anna = asgi_server.page_for(chromium, agent_anna)
    anna.goto(url)
    expect(anna.locator("html")).to_have_attribute("data-live", "connected")
    anna.evaluate("window.notReloaded = true")
    draft = anna.locator("#id_body")
    draft.press_sequentially("Dzień dobry, sprawdzam")
    thread = anna.locator(".conv-page .thread")

    # Piotr, on the same conversation in his own browser, leaves an internal note.
    piotr = asgi_server.page_for(chromium, agent_piotr)
    piotr.goto(url)
    piotr.locator("#id_note_body").fill("Faktura jest już w systemie księgowym.")
    piotr.get_by_role("button", name="Add note").click()
    expect(piotr.locator(".thread")).to_contain_text("Faktura jest już w systemie księgowym.")
    wiring.dispatch_pending()  # the worker runs the handlers after the note commits

    note = thread.locator(".msg-note")
    expect(note).to_contain_text("Faktura jest już w systemie księgowym.")
    expect(note).to_contain_text("Piotr Kowalski")
    expect(note).to_contain_text("Internal note")

    # Ola writes again by email.
    receive(
        support_team,
        "ola@example.com",
        f"Re: [{conversation.reference}] Faktura VAT",
        "NIP: 526-025-09-95",
        from_name="Ola",
        conversation=conversation,
    )
    wiring.dispatch_pending()

    expect(thread.locator(".msg-inbound").last).to_contain_text("NIP: 526-025-09-95")
    expect(thread.locator(".msg-inbound")).to_have_count(2)
    expect(draft).to_have_value("Dzień dobry, sprawdzam")  # her reply is left alone
    assert anna.evaluate("window.notReloaded") is True
