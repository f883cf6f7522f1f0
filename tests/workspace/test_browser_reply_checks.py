"""In a real browser (Debian's Chromium through Playwright): while the agent writes a
reply, the compose box shows what the pre-send checks found; sending still works and the
page tells what they found."""

import os
import re
from pathlib import Path

import pytest

from asgi_server import CHROMIUM, signed_in_page
from klient import demo
from klient.conversations.checks import Finding, register_check, unregister_check
from klient.conversations.models import Conversation, Message

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


def flag_actually(draft):
    for match in re.finditer(r"\bactually\b", draft.body, flags=re.IGNORECASE):
        yield Finding(
            check="actually",
            category="tone",
            message="Sounds like a correction.",
            start=match.start(),
            end=match.end(),
        )


@pytest.fixture
def actually_check():
    register_check("actually", flag_actually)
    yield
    unregister_check("actually")


@pytest.mark.django_db(transaction=True)
def test_findings_appear_while_writing_and_never_block_sending(
    live_server, chromium, actually_check
):
    from playwright.sync_api import expect

    demo.seed()
    page = signed_in_page(chromium, live_server.url, "admin@klient.localhost", demo.PASSWORD)
    page.get_by_role("link", name="Lost my phone").click()
    page.wait_for_load_state("load")  # htmx is a deferred script

    box = page.get_by_label("To tom.baker@example.com")
    box.press_sequentially("Well actually, it is on its way.")

    findings = page.locator("#reply-findings")
    expect(findings).to_contain_text("Before you send")
    expect(findings).to_contain_text("Sounds like a correction.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_text("Your reply is on its way.")).to_be_visible()
    expect(page.get_by_text("A note on your reply: Sounds like a correction.")).to_be_visible()
    conversation = Conversation.objects.get(subject__startswith="Lost my phone")
    answer = conversation.messages.filter(kind=Message.Kind.OUTBOUND).order_by("id").last()
    assert answer.body_text == "Well actually, it is on its way."
