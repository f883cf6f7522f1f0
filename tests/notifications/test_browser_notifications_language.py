"""In Debian's Chromium: the same colleague request reaches Anna, who chose Polish, and
Lena, who chose English; each one's bell opens a short list in their own language (each
browser asks for the other language, and it makes no difference), by keyboard alone.

Set KLIENT_SCREENSHOTS to a folder to keep a screenshot of Anna's open list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation

from klient.collab.actions import ask
from klient.notifications.models import Notification
from klient.people.actions import create_agent, set_agent_language

pytestmark = pytest.mark.browser

QUESTION = "Czy ta faktura była już korygowana?"


def open_bell(page, label: str):
    """Focus the bell (checking what it says to a screen reader), open it with Enter, and
    return its panel."""
    from playwright.sync_api import expect

    bell = page.locator("#notif-menu > summary")
    expect(bell).to_contain_text(label)
    bell.focus()
    page.keyboard.press("Enter")
    return page.locator("#notif-menu .notif-menu-panel")


@pytest.mark.django_db(transaction=True)
def test_each_agents_bell_lists_the_notification_in_their_language(
    asgi_server, chromium, agent_anna, admin_zofia, support_team, luc
):
    from playwright.sync_api import expect

    lena, _ = create_agent("lena@shop.example", name="Lena Lead", teams=[support_team])
    set_agent_language(agent_anna, "pl", actor=agent_anna)
    set_agent_language(lena, "en", actor=lena)
    set_agent_language(admin_zofia, "de", actor=admin_zofia)
    with translation.override("de"):  # Zofia works in German
        ask(luc, actor=admin_zofia, question=QUESTION, team=support_team)

    anna = asgi_server.page_for(chromium, agent_anna, locale="en-US")
    lena_page = asgi_server.page_for(chromium, lena, locale="pl-PL")
    for page in (anna, lena_page):
        page.goto(asgi_server.url + "/")

    # Anna opens the bell from the keyboard: the list is Polish.
    panel = open_bell(anna, "Powiadomienia: 1 nieprzeczytane")
    expect(panel.locator(".notif-menu-item.is-unread")).to_contain_text(
        f"Zofia Admin pyta o {luc.reference}: {QUESTION}"
    )
    see_all = "Zobacz wszystkie powiadomienia (1 nieprzeczytane)"
    expect(panel.get_by_role("link", name=see_all)).to_be_visible()
    if folder := os.environ.get("KLIENT_SCREENSHOTS"):
        anna.screenshot(path=str(Path(folder) / "notifications-bell-pl.png"))
    expect(panel).not_to_contain_text("asks about")
    anna.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(anna.locator("#notif-menu > summary")).to_be_focused()

    # Lena's list, for the same event, is English.
    lena_panel = open_bell(lena_page, "Notifications: 1 unread")
    expect(lena_panel.locator(".notif-menu-item")).to_contain_text(
        f"Zofia Admin asks about {luc.reference}: {QUESTION}"
    )
    expect(lena_panel.get_by_role("link", name="See all notifications (1 unread)")).to_be_visible()
    expect(lena_panel).not_to_contain_text("pyta o")

    # Tab to the entry and open it: it is read now, and the count is gone.
    lena_page.keyboard.press("Tab")
    expect(lena_panel.locator(".notif-menu-open")).to_be_focused()
    lena_page.keyboard.press("Enter")
    lena_page.wait_for_url("**/collab/requests/**")
    expect(lena_page.locator("#notif-menu > summary")).to_contain_text("Notifications: 0 unread")
    assert Notification.objects.get(recipient=lena).read_at is not None
    assert Notification.objects.get(recipient=agent_anna).read_at is None
