"""In a real browser (Debian's Chromium) against a real ASGI server: two agents on one
conversation see each other, then see each other type; a customer email that arrives
shows up in an open inbox, and a notification in the bell, without a reload."""

import pytest

from klient.core import wiring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until_live(page):
    from playwright.sync_api import expect

    expect(page.locator("html")).to_have_attribute("data-live", "connected")


def test_two_agents_on_one_conversation_see_each_other_then_see_each_other_type(
    asgi_server, chromium, agent_anna, admin_zofia, support_team, receive
):
    from playwright.sync_api import expect

    conversation = receive(support_team, "ola@example.com", "Faktura VAT", "Proszę.").conversation
    url = f"{asgi_server.url}/c/{conversation.reference}/"
    anna = asgi_server.page_for(chromium, agent_anna)
    zofia = asgi_server.page_for(chromium, admin_zofia)

    anna.goto(url)
    wait_until_live(anna)
    expect(anna.locator("#live-presence")).to_be_hidden()  # alone so far
    zofia.goto(url)

    expect(anna.locator("#live-presence")).to_contain_text("Zofia Admin")
    expect(anna.locator(".live-peer[data-state=viewing]")).to_contain_text("viewing")
    expect(zofia.locator("#live-presence")).to_contain_text("Anna Nowak")

    zofia.get_by_label("To ola@example.com").press_sequentially("Dzień dobry")
    expect(anna.locator(".live-peer[data-state=typing-reply]")).to_contain_text(
        "Zofia Admin typing a reply…"
    )

    zofia.context.close()
    expect(anna.locator("#live-presence")).to_be_hidden()


def test_a_customer_email_appears_in_an_open_inbox_without_a_reload(
    asgi_server, chromium, agent_anna, support_team, receive
):
    from playwright.sync_api import expect

    page = asgi_server.page_for(chromium, agent_anna)
    page.goto(asgi_server.url + "/")
    wait_until_live(page)
    page.evaluate("window.notReloaded = true")
    page.evaluate(
        """() => { window.changed = new Promise(resolve => document.addEventListener(
               'klient:conversation-changed', event => resolve(event.detail))); }"""
    )

    receive(support_team, "jan@example.com", "Zgubiłem hasło", "Nie mogę się zalogować.")
    wiring.dispatch_pending()  # the worker runs the event handlers after commit

    expect(page.locator("#inbox-list")).to_contain_text("Zgubiłem hasło")
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("window.changed")["kinds"] == ["conversation.created", "message.received"]


def test_the_bell_counts_a_new_notification_without_a_reload(
    asgi_server, chromium, agent_anna, admin_zofia
):
    from playwright.sync_api import expect

    from klient.notifications.actions import notify

    page = asgi_server.page_for(chromium, agent_anna)
    page.goto(asgi_server.url + "/")
    wait_until_live(page)
    page.evaluate("window.notReloaded = true")
    expect(page.locator(".notif-bell .notif-count")).to_have_count(0)

    params = {"asker": "Zofia Admin", "ref": "K-1", "question": "?"}
    notify([agent_anna], kind="collab.asked", params=params, actor=admin_zofia)
    wiring.dispatch_pending()

    expect(page.locator(".notif-bell .notif-count")).to_have_text("1")
    expect(page.locator(".notif-bell")).to_contain_text("Notifications: 1 unread")
    assert page.evaluate("window.notReloaded") is True
