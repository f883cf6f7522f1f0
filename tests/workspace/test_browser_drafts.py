"""Drafts and undo send in a real browser (Debian's Chromium through Playwright, the real
ASGI server): a half-written reply survives a reload; leaving the page with unsent text
asks first (not when it is the saved draft), sending does not; and a sent reply can be
undone from its Undo button, after which nothing reaches the SMTP relay and the text is
back in the compose box."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from asgi_server import CHROMIUM
from klient.conversations.models import Draft, Message
from support import worker_runs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]

BOX = "To tom.baker@example.com"


@pytest.fixture
def tom(support_team, receive):
    return receive(
        support_team, "tom.baker@example.com", "Lost my phone", "Please block my SIM."
    ).conversation


def open_conversation(asgi_server, chromium, agent, conversation):
    page = asgi_server.page_for(chromium, agent)
    page.goto(f"{asgi_server.url}/c/{conversation.reference}/")
    page.wait_for_load_state("load")  # compose.js is a deferred script
    return page


def test_a_half_written_reply_survives_a_reload(asgi_server, chromium, agent_anna, tom):
    from playwright.sync_api import expect

    page = open_conversation(asgi_server, chromium, agent_anna, tom)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" — yes

    page.get_by_label(BOX).press_sequentially("We blocked your SIM; a new one is")
    expect(page.locator(".draft-status")).to_have_text("Draft saved")
    page.reload()
    page.wait_for_load_state("load")

    expect(page.get_by_label(BOX)).to_have_value("We blocked your SIM; a new one is")
    assert Draft.objects.get(agent=agent_anna).body == "We blocked your SIM; a new one is"


def dialogs_on(page) -> list[str]:
    """The dialogs the page opens from now on, each answered "stay on the page"."""
    dialogs: list[str] = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    return dialogs


def wait_for_a_dialog(page, dialogs) -> None:
    deadline = timezone.now() + timedelta(seconds=10)
    while not dialogs and timezone.now() < deadline:
        page.wait_for_timeout(50)  # polling for the dialog event, with a deadline


def test_leaving_with_unsent_text_warns_but_sending_does_not(
    asgi_server, chromium, agent_anna, tom
):
    """A note is never saved as a draft: leaving with one half written asks first."""
    from playwright.sync_api import expect

    page = open_conversation(asgi_server, chromium, agent_anna, tom)
    dialogs = dialogs_on(page)
    page.get_by_label("Note", exact=True).fill("Half a note")
    page.get_by_role("link", name="← Inbox").click()

    expect(page.get_by_role("heading", name="Reply to the customer")).to_be_visible()
    wait_for_a_dialog(page, dialogs)
    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("Note", exact=True)).to_have_value("Half a note")

    page.get_by_role("button", name="Add note").click()

    expect(page.locator(".thread")).to_contain_text("Half a note")
    assert dialogs == ["beforeunload"]


def test_a_reply_saved_as_the_draft_leaves_without_asking(asgi_server, chromium, agent_anna, tom):
    """The reply is the server's draft once "Draft saved" shows: nothing to lose by
    leaving, so no question; a change the server could not save is asked about again."""
    from playwright.sync_api import expect

    page = open_conversation(asgi_server, chromium, agent_anna, tom)
    dialogs = dialogs_on(page)
    page.get_by_label(BOX).press_sequentially("Your SIM is blocked")
    expect(page.locator(".draft-status")).to_have_text("Draft saved")

    page.get_by_role("link", name="← Inbox").click()

    expect(page).to_have_url(f"{asgi_server.url}/")
    assert dialogs == []
    page.go_back()
    page.wait_for_load_state("load")
    expect(page.get_by_label(BOX)).to_have_value("Your SIM is blocked")
    page.route("**/draft/", lambda route: route.abort())  # the server is unreachable now
    page.get_by_label(BOX).press("End")
    page.keyboard.type(".")
    expect(page.locator(".draft-status")).to_have_text("Draft not saved")
    page.get_by_role("link", name="← Inbox").click()  # so leaving asks
    wait_for_a_dialog(page, dialogs)
    assert dialogs == ["beforeunload"]


def test_undo_send_keeps_the_reply_from_the_relay_and_puts_it_back(
    asgi_server, chromium, agent_anna, tom, settings, smtp_sink
):
    from playwright.sync_api import expect

    settings.KLIENT_UNDO_SEND_SECONDS = 60  # plenty of time to click: nothing waits for it
    page = open_conversation(asgi_server, chromium, agent_anna, tom)
    page.get_by_label(BOX).fill("Your SIM is blocked.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_text("you can still undo it")).to_be_visible()
    answer = Message.objects.get(kind=Message.Kind.OUTBOUND)
    undo = page.locator(f"#m-{answer.pk} .undo-send")
    expect(undo.locator(".undo-countdown")).to_contain_text("Sending in")
    worker_runs()  # the worker is woken by the reply: it is held, nothing goes out
    assert smtp_sink.messages == []

    undo.get_by_role("button", name="Undo").click()

    expect(
        page.get_by_text("Your reply was not sent: it is back in the compose box.")
    ).to_be_visible()
    expect(page.get_by_label(BOX)).to_have_value("Your SIM is blocked.")
    expect(page.locator(".thread")).not_to_contain_text("Your SIM is blocked.")
    worker_runs(at=answer.created_at + timedelta(minutes=5))
    assert smtp_sink.messages == []
    assert not Message.objects.filter(pk=answer.pk).exists()
