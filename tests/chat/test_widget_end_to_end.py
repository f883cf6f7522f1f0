"""The widget against the real chat server (klient.api.chat, /ws/chat/), in Chromium at 320 px
on the sample page: a visitor's message is stored and confirmed, survives a reload exactly
once, and an agent's reply reaches the open widget. Skipped until the server side is in the
tree (issue 16's server branch); then it runs as it stands."""

import importlib.util

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        importlib.util.find_spec("klient.api.chat") is None, reason="needs the chat server"
    ),
]

PHONE = {"width": 320, "height": 640}


def test_a_visitor_chats_from_the_sample_page_and_nothing_is_lost_or_doubled_on_reload(
    asgi_server, chromium, settings, support_team, agent_anna, call
):
    from playwright.sync_api import expect

    settings.KLIENT_BASE_URL = asgi_server.url  # the demo page is on the desk's own origin
    page = chromium.new_page(viewport=PHONE)
    page.set_default_timeout(15_000)
    page.goto(f"{asgi_server.url}/chat/demo/?lang=pl&team=Support")

    page.get_by_role("button", name="Czat z nami").click()
    page.get_by_label("Imię (opcjonalnie)").fill("Ola")
    page.get_by_role("textbox", name="Wiadomość").fill("Gdzie jest moja paczka?")
    page.keyboard.press("Enter")

    log = page.get_by_role("log")
    confirmed = log.locator(".kc-customer[data-seq='1']")
    expect(confirmed).to_contain_text("Gdzie jest moja paczka?")  # the server's own frame
    expect(log.locator(".kc-pending")).to_have_count(0)
    expect(page.locator(".kc-dialog")).to_have_attribute("data-state", "connected")
    assert page.evaluate("JSON.parse(localStorage.getItem('klient-chat:Support:outbox'))") == []

    page.reload()
    page.get_by_role("button", name="Czat z nami").click()
    expect(log.locator(".kc-customer")).to_have_count(1)  # replayed from seq 0, once
    expect(log.locator(".kc-customer[data-seq='1']")).to_contain_text("Gdzie jest moja paczka?")
    expect(page.get_by_label("Imię (opcjonalnie)")).to_be_hidden()  # the same session

    from klient.chat.models import ChatSession
    from support import run_worker

    conversation = ChatSession.objects.get().conversation
    assert [m.body_text for m in conversation.messages.order_by("id")] == [
        "Gdzie jest moja paczka?"
    ]

    # The agent answers from the API; the open widget shows it, in the live region.
    answer = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{conversation.reference}/replies",
        {"body": "Sprawdzam, Ola."},
    )
    assert answer.status_code == 201, answer.content
    run_worker()  # the worker delivers the reply on its channel: the chat
    reply = log.locator(".kc-agent[data-seq='2']")
    expect(reply.locator(".kc-who")).to_have_text("Anna Nowak")
    expect(reply).to_contain_text("Sprawdzam, Ola.")
