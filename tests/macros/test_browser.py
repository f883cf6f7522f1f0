"""In a real browser (Debian's Chromium): Anna picks a saved reply with the keyboard and it
lands in the reply box in Polish; a suggested article goes in with one click."""

import os
import re
from pathlib import Path

import pytest

from asgi_server import signed_in_page
from klient.knowledge.demo import seed_demo as seed_articles
from klient.macros.actions import save_macro

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_saved_reply_is_inserted_in_polish_from_the_keyboard(
    live_server, chromium, agent_anna, support_team, receive
):
    from playwright.sync_api import expect

    seed_articles()
    save_macro(
        actor=agent_anna,
        name="Powitanie",
        texts={
            "en": "Hello {{ customer.first_name }}",
            "pl": "Dzień dobry {{ customer.first_name }},",
        },
        set_status="pending",
    )
    conversation = receive(
        support_team,
        "k.wisniewska@poczta.example",
        "Faktura",
        "Proszę o fakturę VAT z NIP.",
        from_name="Katarzyna Wiśniewska",
        language="pl",
    ).conversation

    page = signed_in_page(chromium, live_server.url, "anna@shop.example", "correct horse battery")
    page.goto(f"{live_server.url}/c/{conversation.reference}/")

    page.keyboard.press("Alt+m")
    expect(page.locator("#macro-picker")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.locator("#macro-picker").select_option(label="Powitanie")
    page.keyboard.press("Enter")

    expect(page.locator("#id_body")).to_have_value("Dzień dobry Katarzyna,")
    reply_status = page.locator("form:has(#id_body) select[name=status]")
    expect(reply_status).to_have_value("pending")

    page.get_by_role("button", name="Insert into reply").first.click()
    expect(page.locator("#id_body")).to_have_value(
        re.compile(r"^Dzień dobry Katarzyna,\nFaktura VAT z numerem NIP\nAby otrzymać")
    )
    if os.environ.get("KLIENT_SCREENSHOTS"):
        folder = Path(os.environ["KLIENT_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "reply-tools.png"), full_page=True)
