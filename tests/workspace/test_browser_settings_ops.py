"""In a real browser (Debian's Chromium through Playwright): an administrator opens the
quarantine, discards one mail with a reason, which the page then shows with their name,
and retries another after creating the team it was for, which then becomes a message."""

import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from asgi_server import CHROMIUM
from klient.core.models import Event
from klient.mail import actions
from klient.mail.models import InboundMail
from klient.people.actions import create_team

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


def quarantined_mail(to: str, subject: str, message_id: str) -> InboundMail:
    msg = EmailMessage()
    msg["From"] = "Ola <ola@klientka.pl>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{message_id}@klientka.pl>"
    msg.set_content("Dzień dobry.")
    inbound, _ = actions.accept_raw(bytes(msg), source="smtp")
    assert actions.process_inbound(inbound.pk) == "quarantined"
    return inbound


@pytest.mark.django_db(transaction=True)
def test_an_administrator_discards_one_quarantined_mail_and_retries_another(
    asgi_server, chromium, admin_zofia
):
    from playwright.sync_api import expect

    spam = quarantined_mail("old-promo@shop.example", "Cheap watches", "watches")
    lost = quarantined_mail("sales@shop.example", "Oferta na 40 krzeseł", "chairs")
    page = asgi_server.page_for(chromium, admin_zofia)

    page.goto(asgi_server.url + "/settings/quarantine/")
    expect(page.get_by_role("heading", name="Quarantine")).to_be_visible()
    expect(page.get_by_role("link", name="Quarantined (2)")).to_be_visible()
    page.locator(f"#inbound-{spam.pk}").get_by_role("link", name="Discard…").click()
    expect(page.get_by_text("Why it is in quarantine")).to_be_visible()
    page.get_by_label("Why is it discarded?").fill("Spam to a retired promotion address")
    page.get_by_role("button", name="Discard this email").click()

    expect(page.get_by_text(f"Email #{spam.pk} discarded; its raw source is kept.")).to_be_visible()
    expect(page.get_by_role("link", name="Quarantined (1)")).to_be_visible()
    page.get_by_role("link", name="Discarded (1)").click()
    expect(page.locator(f"#inbound-{spam.pk}")).to_contain_text(
        "Spam to a retired promotion address"
    )
    expect(page.locator(f"#inbound-{spam.pk}")).to_contain_text("Discarded by Zofia Admin")

    create_team("Sales", address="sales@shop.example")
    page.get_by_role("link", name="Quarantined (1)").click()
    page.locator(f"#inbound-{lost.pk}").get_by_role("button", name="Retry").click()

    lost.refresh_from_db()
    reference = actions.stored_message(lost).conversation.reference
    expect(page.get_by_text(f"The email is stored in {reference}.")).to_be_visible()
    expect(page.get_by_text("Nothing is in quarantine.")).to_be_visible()
    spam.refresh_from_db()
    assert (spam.state, spam.discarded_by) == ("discarded", admin_zofia)
    assert Event.objects.get(kind="mail.discarded").data["reason"] == (
        "Spam to a retired promotion address"
    )
    assert Event.objects.filter(kind="mail.retried", actor=admin_zofia).count() == 1
