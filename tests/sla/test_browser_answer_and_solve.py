"""Answer-and-solve in a real browser (Debian's Chromium through Playwright): Kasia emails,
Anna replies with "Then set status to: Solved", the reply reaches the SMTP relay, and the SLA
report counts the first reply as met: compliance 100 %, a first-reply median that is a
number, nothing cancelled. The sequence of tests/sla/test_answer_and_solve.py, as an agent
lives it.

The worker's part runs in the test thread, as the embedded worker's thread does; the pages
are served by a real ASGI server on a free port."""

from __future__ import annotations

import re

import pytest

from klient.conversations.models import Delivery, Message
from klient.people.models import AgentProfile
from klient.sla.models import SlaOutcome
from support import accept_customer_email, customer_email, run_worker

pytestmark = pytest.mark.browser
FULL_COMPLIANCE = re.compile(r"^100(\.0)? %$")


@pytest.mark.django_db(transaction=True)
def test_an_answer_sent_with_solved_is_a_met_first_reply_in_the_report(
    asgi_server, chromium, support_team, agent_anna, smtp_sink
):
    from playwright.sync_api import expect

    from klient.sla.admin_actions import save_policy

    save_policy(
        actor=None,
        name="Hour",
        first_reply_minutes=60,
        resolution_minutes=240,
        business_time=False,
    )
    AgentProfile.objects.filter(user=agent_anna).update(language="en", languages=["en", "pl"])
    mail = customer_email(
        "Kasia <kasia@example.pl>",
        "Invoice for order 1002",
        "Could you send me the invoice, please?",
        "<q-1002@example.pl>",
        to=support_team.inbound_address,
    )
    conversation = accept_customer_email(support_team, mail)
    page = asgi_server.page_for(chromium, agent_anna)

    page.goto(f"{asgi_server.url}/c/{conversation.reference}/")
    page.get_by_label("To kasia@example.pl").fill("Here is your invoice.")
    page.get_by_label("Then set status to").select_option(label="Solved")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is on its way.")).to_be_visible()
    run_worker()  # the reply reaches the relay; the SLA follows the events

    [sent] = [m for m in smtp_sink.parsed() if m["To"].addresses[0].addr_spec == "kasia@example.pl"]
    assert sent.get_body(("plain",)).get_content().strip().startswith("Here is your invoice.")
    answer = conversation.messages.get(kind=Message.Kind.OUTBOUND)
    assert sent["Message-ID"] == answer.message_id
    assert Delivery.objects.get(message=answer).state == Delivery.State.SENT
    [first_reply] = SlaOutcome.objects.filter(conversation=conversation, target="first_reply")
    assert first_reply.outcome == "met"

    # The timeline tells it in the order it happened to the customer.
    page.reload()
    expect(page.locator(".conv-meta .status")).to_have_text("Solved")
    entries = page.locator(".timeline li > span:first-of-type").all_inner_texts()
    order = [
        "Reply queued for sending",
        "Reply delivered to the mail server",
        "First reply recorded",
        "Status: New → Solved",
    ]
    assert [text for text in entries if text in order] == order

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="SLA compliance")).to_be_visible()
    target = page.locator('.reports-targets tr[data-target="first_reply"]')
    cells = target.locator("td")
    expect(cells.nth(0)).to_have_text("1")  # due
    expect(cells.nth(1)).to_have_text("1")  # met
    expect(cells.nth(2)).to_have_text("0")  # breached
    expect(cells.nth(3)).to_have_text("0")  # cancelled
    expect(cells.nth(4)).to_have_text(FULL_COMPLIANCE)
    support = page.locator(".reports-table").last.locator("tr", has_text="Support")
    median = support.locator("td").nth(5).inner_text()
    assert re.fullmatch(r"\d+ min / \d+ min", median), median
    page.get_by_label("targets", exact=True).select_option("first_reply")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".reports-total .compliance")).to_have_text(FULL_COMPLIANCE)
