"""The whole loop in a real browser (Debian's Chromium through Playwright): sign in, open a
conversation from the inbox, reply, and see the reply in the thread.

Set KLIENT_SCREENSHOTS to a folder to keep screenshots of the inbox and the conversation."""

import os
from pathlib import Path

import pytest

from asgi_server import CHROMIUM
from klient import demo
from klient.conversations.models import Conversation, Delivery, Message

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


def screenshots_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("KLIENT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.django_db(transaction=True)
def test_an_agent_signs_in_opens_a_conversation_and_replies(live_server, browser_page, tmp_path):
    from playwright.sync_api import expect

    demo.seed()
    page = browser_page
    shots = screenshots_dir(tmp_path)

    page.goto(live_server.url + "/")
    page.get_by_label("Email address").fill("admin@klient.localhost")
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_text("Faktura VAT do zamówienia nr 4471")).to_be_visible()
    page.screenshot(path=str(shots / "inbox.png"), full_page=True)

    page.get_by_role("link", name="Lost my phone").click()
    expect(page.get_by_role("heading", name="Reply to the customer")).to_be_visible()
    page.get_by_label("To tom.baker@example.com").fill("Yes: we will send it to your office.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_text("Your reply is on its way.")).to_be_visible()
    expect(page.locator(".thread")).to_contain_text("Yes: we will send it to your office.")
    conversation = Conversation.objects.get(subject__startswith="Lost my phone")
    answer = conversation.messages.filter(kind=Message.Kind.OUTBOUND).order_by("id").last()
    assert answer.body_text == "Yes: we will send it to your office."
    assert answer.delivery.state == Delivery.State.PENDING
    page.goto(f"{live_server.url}/c/{conversation.reference}/")
    page.screenshot(path=str(shots / "conversation.png"), full_page=True)
