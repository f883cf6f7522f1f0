"""A refused reply, seen and fixed in a real browser (Debian's Chromium through Playwright):
Anna answers and solves, the relay answers 550 to the first message and 250 after; she sees
"Not delivered" with the relay's reason, the conversation back in "Waiting on us", a
notification (and its email copy), clicks Resend, and the same message, with the same
Message-ID, reaches the relay.

The worker's part (dispatch, sending, the handlers) runs in the test thread, as the embedded
worker's thread does; the pages are served by a real ASGI server on a free port."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from klient.conversations.models import Conversation, Delivery, Message
from klient.people.models import AgentProfile
from support import accept_customer_email, customer_email, run_worker

pytestmark = pytest.mark.browser

REFUSAL = "550 5.1.1 <kasia@example.pl>: Recipient address rejected: User unknown"


def kasia_writes(team) -> Conversation:
    """Kasia's question, accepted as the SMTP listener accepts it, and processed."""
    mail = customer_email(
        "Kasia <kasia@example.pl>",
        "Invoice for order 1002",
        "Could you send me the invoice, please?",
        "<q-1002@example.pl>",
        to=team.inbound_address,
    )
    return accept_customer_email(team, mail)


def to_kasia(sink) -> list[EmailMessage]:
    return [m for m in sink.parsed() if m["To"].addresses[0].addr_spec == "kasia@example.pl"]


@pytest.mark.django_db(transaction=True)
def test_a_refused_reply_is_shown_notified_and_resent_with_the_same_message_id(
    asgi_server, chromium, support_team, agent_anna, smtp_sink
):
    from playwright.sync_api import expect

    # Anna reads Klient in English (her notifications too; she also speaks Polish).
    AgentProfile.objects.filter(user=agent_anna).update(language="en", languages=["en", "pl"])
    conversation = kasia_writes(support_team)
    asked_at = conversation.messages.get(kind="inbound").created_at
    smtp_sink.answer_next(REFUSAL)  # the next message the relay gets is refused for good
    page = asgi_server.page_for(chromium, agent_anna)
    url = f"{asgi_server.url}/c/{conversation.reference}/"

    page.goto(url)
    page.get_by_label("To kasia@example.pl").fill("Here is your invoice.")
    page.get_by_label("Then set status to").select_option("solved")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is on its way.")).to_be_visible()
    answer = conversation.messages.get(kind=Message.Kind.OUTBOUND)
    run_worker()  # the relay answers 550; the author is told, by email too

    [refused] = smtp_sink.parsed_refused()
    assert refused["Message-ID"] == answer.message_id
    # The bell says so (opening the conversation reads its notifications, so first from the inbox);
    # the notification names the reason and leads to the failure.
    page.goto(f"{asgi_server.url}/")
    expect(page.locator(".notif-bell .notif-count")).to_have_text("1")
    page.locator(".notif-bell").click()
    notice = page.locator(".notif-menu-item", has_text="was not delivered")
    expect(notice).to_contain_text(f"Your reply on {conversation.reference}")
    expect(notice).to_contain_text(REFUSAL)
    [copy] = [m for m in smtp_sink.parsed() if m["To"].addresses[0].addr_spec == agent_anna.email]
    assert "was not delivered" in copy["Subject"]
    notice.get_by_role("button").click()
    failed_event = conversation.events.get(kind="delivery.failed")
    expect(page).to_have_url(f"{url}#e-{failed_event.pk}")

    page.goto(url)
    reply_box = page.locator(f"#m-{answer.pk}")
    expect(reply_box.locator(".delivery")).to_have_text("Not delivered")
    expect(reply_box).to_contain_text(REFUSAL)
    timeline = page.locator(".timeline")
    failure = timeline.locator("li", has_text="Delivery failed")
    expect(failure).to_contain_text(REFUSAL)
    expect(timeline).to_contain_text("Status: Solved → Open (reply not delivered)")
    expect(page.locator(".conv-meta .status")).to_have_text("Open")
    expect(page.locator(".conv-meta .waiting")).to_contain_text("Unanswered for")
    conversation.refresh_from_db()
    assert conversation.waiting_since == asked_at  # since Kasia wrote, not since the reply

    # Meanwhile the conversation is in "Waiting on us".
    page.goto(f"{asgi_server.url}/?view=waiting")
    expect(page.get_by_role("link", name="Invoice for order 1002")).to_be_visible()

    page.goto(url)
    page.locator(".timeline").get_by_role("button", name="Resend").click()
    expect(page.get_by_text("The reply will be sent again.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Resend requested")
    expect(page.locator(".timeline").get_by_role("button", name="Resend")).to_have_count(0)
    assert Delivery.objects.get(message=answer).state == Delivery.State.PENDING
    conversation.refresh_from_db()
    assert conversation.waiting_since == asked_at  # still waiting until it is delivered
    run_worker()

    [resent] = to_kasia(smtp_sink)
    assert resent["Message-ID"] == refused["Message-ID"] == answer.message_id
    assert resent.get_body(("plain",)).get_content().strip().startswith("Here is your invoice.")
    page.goto(url)
    expect(page.locator(f"#m-{answer.pk} .delivery")).to_have_text("Sent")
    conversation.refresh_from_db()
    assert conversation.waiting_since is None
