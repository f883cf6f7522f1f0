"""The lost-connection page on a phone without JavaScript (Debian's Chromium through
Playwright, 375 pixels wide): Dmytro, who booked in Ukrainian, taps the one button; the
page says Olha was told, and she has the notice. The bytes the browser received for the
page are counted as well."""

from __future__ import annotations

import pytest
from care_helpers import book_as_customer

from klient.notifications.models import Notification

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.mark.django_db(transaction=True)
def test_one_tap_on_a_phone_without_javascript(live_server, chromium, interview, agent_olha):
    from playwright.sync_api import expect

    _appointment, token = book_as_customer(interview, language="uk", phone="+380671234567")
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{live_server.url}/b/{token}/lost-connection")
    assert response is not None and response.ok
    assert len(response.body()) < 30 * 1024
    assert len(requested) == 1, f"one request loads the page, no asset: {requested}"
    button = page.get_by_role("button", name="Я втратив(-ла) зв’язок")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    button.click()
    expect(page.get_by_role("status")).to_contain_text("Olha Koval")
    assert Notification.objects.filter(
        recipient=agent_olha, kind="scheduling.connection_lost"
    ).exists()
    context.close()
