"""In a real browser (Debian's Chromium): Anna plans her holiday on her profile with Piotr
as her substitute; then the administrator asks the routing settings who would get a
conversation from Anna's customer while she is away, and sees Piotr, and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_an_absence_with_a_substitute_set_in_the_ui_and_the_routing_preview(
    asgi_server, chromium, anna, piotr, admin_zofia, bank_team, mrs_zielinska
):
    from playwright.sync_api import expect

    from klient.people.models import Absence

    page = asgi_server.page_for(chromium, anna)
    page.goto(asgi_server.url + "/profile/")
    page.get_by_role("link", name="Your absences and who covers for you").click()
    expect(page.get_by_role("heading", name="Your absences")).to_be_visible()
    local = timezone.localtime(timezone.now() - timedelta(hours=1), timezone=_warsaw())
    back = local + timedelta(days=10)
    page.get_by_label("From").fill(local.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Until").fill(back.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Substitute").select_option(label="Piotr Nowak")
    page.get_by_label("Reason (only agents see it)").fill("Urlop")
    page.get_by_role("button", name="Add absence").click()
    expect(page.get_by_text("Absence recorded.")).to_be_visible()
    expect(page.locator("table.absences")).to_contain_text("Piotr Nowak")
    assert Absence.objects.get(agent=anna).substitute_agent == piotr

    admin = asgi_server.page_for(chromium, admin_zofia)
    admin.goto(asgi_server.url + "/settings/routing/")
    admin.get_by_label("Team", exact=True).select_option(label="Private banking")
    admin.get_by_label("Channel", exact=True).select_option("email")
    admin.get_by_label("Customer id").fill(str(mrs_zielinska.pk))
    admin.get_by_role("button", name="Preview").click()
    expect(admin.locator(".routing-result")).to_contain_text(
        "Piotr Nowak — owner away, you are the substitute"
    )


def _warsaw():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Warsaw")
