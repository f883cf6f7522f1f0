"""Story 1 on Dmytro's phone (Debian's Chromium through Playwright, 375 pixels wide, in
New York): he books Olha's interview on /book/interview/ without an account, the page
showing times in his own zone; during the call his power goes out, he taps "I lost
connection" on the manage page, Olha is told at once, and he picks a new time."""

from __future__ import annotations

from datetime import datetime

import pytest
from scheduling_helpers import next_monday

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.scheduling.models import Appointment

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


def fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"


@pytest.mark.django_db(transaction=True)
def test_book_lose_connection_and_reschedule_on_a_phone(
    asgi_server, chromium, interview, agent_olha
):
    from playwright.sync_api import expect

    context = chromium.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US",
        timezone_id="America/New_York",
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(20_000)
    monday = next_monday(2)

    # The booking page takes the phone's zone (its one line of script) and lists times.
    page.goto(f"{asgi_server.url}/book/interview/?from={monday}")
    page.wait_for_url("**tz=America%2FNew_York**")
    expect(page.locator("#tz")).to_have_value("America/New_York")
    times = page.locator("input[name=start]")
    expect(times.first).to_be_visible()
    chosen = times.first.get_attribute("value")
    assert chosen is not None and chosen.endswith(("-05:00", "-04:00")), chosen
    fits_the_screen(page)
    times.first.check()
    page.get_by_label("Your name").fill("Dmytro Bondar")
    page.get_by_label("Your email").fill("dmytro@mail.example")
    page.get_by_label("Phone (optional: to reach you if your connection drops)").fill(
        "+380671234567"
    )
    page.get_by_role("button", name="Book this time").tap()
    expect(page.get_by_role("status")).to_contain_text("Your appointment is booked")
    appointment = Appointment.objects.get()
    assert appointment.start == datetime.fromisoformat(chosen)
    assert appointment.time_zone == "America/New_York"
    fits_the_screen(page)

    # The power goes out during the call: one tap on the manage page's link, one on the button.
    page.get_by_role("link", name="I lost connection").tap()
    page.get_by_role("button", name="I lost connection").tap()
    expect(page.get_by_role("status")).to_contain_text("We told Olha Koval")
    assert Notification.objects.filter(
        recipient=agent_olha, kind="scheduling.connection_lost"
    ).exists(), "Olha is told at once"

    # Back, he picks a new time from the next free ones.
    page.get_by_role("link", name="Pick a new time").tap()
    new_times = page.locator("#reschedule input[name=start]")
    expect(new_times.nth(1)).to_be_visible()
    new_start = new_times.nth(1).get_attribute("value")
    assert new_start is not None
    new_times.nth(1).check()
    page.get_by_role("button", name="Move my appointment").tap()
    expect(page.get_by_role("status")).to_contain_text("Your appointment is moved")
    fits_the_screen(page)
    context.close()

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED
    assert appointment.start == datetime.fromisoformat(new_start)
    assert appointment.reschedules == 1
    timeline = list(
        Event.objects.filter(conversation=appointment.conversation, kind__startswith="scheduling.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert [k for k in timeline if k != "scheduling.invitation_sent"] == [
        "scheduling.appointment_booked",
        "scheduling.lost_connection",
        "scheduling.appointment_rescheduled",
    ]
