"""Files in the compose box, in a real browser (Debian's Chromium through Playwright): the
agent chooses a file, pastes a screenshot, drops one and removes it again, sends, and the
customer's mailbox receives the files byte for byte; the "New conversation" page emails a
customer with a dropped file.

Set KLIENT_SCREENSHOTS to a folder to keep screenshots of the compose box and the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asgi_server import CHROMIUM
from klient.conversations.models import Conversation, Message
from klient.core import wiring

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

# Bytes a careless path would damage: CR LF, a lone LF, NUL and bytes that are not UTF-8.
QUOTE_PDF = b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj\n<< /Type /Catalog >>\x00\xff\r\n%%EOF\n"
SCREENSHOT_PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0xFF, 0x00])
# A file in the page, as a drop or a paste carries it (DataTransfer), made from bytes.
FILE_TRANSFER = """([name, type, bytes]) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
    return transfer;
}"""


def sign_in(page, url):
    page.goto(url + "/")
    page.get_by_label("Email address").fill("anna@shop.example")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Inbox").wait_for()


def screenshot(page, name):
    if folder := os.environ.get("KLIENT_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def attached(email):
    return {part.get_filename(): part.get_payload(decode=True) for part in email.iter_attachments()}


@pytest.mark.django_db(transaction=True)
def test_an_agents_files_reach_the_customer_intact(
    live_server, browser_page, smtp_sink, agent_anna, support_team, receive
):
    from playwright.sync_api import expect

    conversation = receive(
        support_team, "luc@client.fr", "Devis", "Pouvez-vous m'envoyer le devis ?"
    ).conversation
    page = browser_page
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/c/{conversation.reference}/")
    compose = page.locator("section.compose").first
    files = compose.locator("[data-file-list]")

    # Chosen with the labelled file input.
    compose.get_by_label("Attach files").set_input_files(
        {"name": "devis-4471.pdf", "mimeType": "application/pdf", "buffer": QUOTE_PDF}
    )
    expect(files.locator("li", has_text="devis-4471.pdf")).to_contain_text("Remove")
    # A screenshot pasted into the reply.
    page.evaluate(
        """(transfer) => document.getElementById("id_body").dispatchEvent(new ClipboardEvent(
            "paste", { clipboardData: transfer, bubbles: true, cancelable: true }))""",
        page.evaluate_handle(FILE_TRANSFER, ["image.png", "image/png", list(SCREENSHOT_PNG)]),
    )
    expect(files.locator("li", has_text="image.png")).to_contain_text("Remove")
    # One dropped on the box by mistake, and removed.
    compose.dispatch_event(
        "drop",
        {"dataTransfer": page.evaluate_handle(FILE_TRANSFER, ["wrong.txt", "text/plain", [1, 2]])},
    )
    wrong = files.locator("li", has_text="wrong.txt")
    expect(wrong).to_contain_text("Remove")
    screenshot(page, "compose-files.png")
    wrong.get_by_role("button", name="Remove wrong.txt").click()
    expect(wrong).to_have_count(0)

    page.get_by_label("To luc@client.fr").fill("Voici le devis et la capture d'écran.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is on its way.")).to_be_visible()
    thread = page.locator(".thread")
    expect(thread.get_by_role("link", name="devis-4471.pdf")).to_be_visible()

    wiring.dispatch_pending()  # what the worker does with the queued reply
    [email] = smtp_sink.wait_for(1)
    assert attached(email) == {"devis-4471.pdf": QUOTE_PDF, "image.png": SCREENSHOT_PNG}
    assert "Voici le devis" in email.get_body(("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_the_new_conversation_page_emails_a_customer(
    live_server, browser_page, smtp_sink, agent_anna, support_team
):
    from playwright.sync_api import expect

    page = browser_page
    sign_in(page, live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New conversation").click()
    expect(page.get_by_role("heading", name="New conversation")).to_be_visible()

    page.get_by_label("Email to the customer").check()
    page.get_by_label("Customer's email address").fill("ola@klientka.pl")
    page.get_by_label("Customer's name").fill("Ola Kowalska")
    page.get_by_label("Subject").fill("Pani faktura")
    page.get_by_label("Message, or what was said on the call").fill(
        "Dzień dobry, w załączniku faktura."
    )
    page.locator("section.compose").dispatch_event(
        "drop",
        {
            "dataTransfer": page.evaluate_handle(
                FILE_TRANSFER, ["faktura.pdf", "application/pdf", list(QUOTE_PDF)]
            )
        },
    )
    expect(page.locator("[data-file-list] li", has_text="faktura.pdf")).to_contain_text("Remove")
    screenshot(page, "new-conversation.png")
    page.get_by_role("button", name="Start conversation").click()

    conversation = Conversation.objects.get()
    expect(page.get_by_text(f"Email on its way: {conversation.reference} started.")).to_be_visible()
    expect(page.locator(".thread")).to_contain_text("w załączniku faktura")
    first = conversation.messages.get()
    assert (first.kind, first.author_id) == (Message.Kind.OUTBOUND, agent_anna.pk)
    wiring.dispatch_pending()
    [email] = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "ola@klientka.pl"
    assert str(email["Subject"]) == f"Pani faktura [{conversation.reference}]"
    assert attached(email) == {"faktura.pdf": QUOTE_PDF}
