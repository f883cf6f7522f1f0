"""The portal shows a customer's times in their own time zone: their browser's zone is
posted once, validated and stored on the customer, then every portal page renders in it
(a Polish customer sees Europe/Warsaw times). A link from an email to a conversation
brings the customer back to it once signed in."""

from datetime import UTC, datetime

import pytest
from portal_helpers import link_token, signed_in_client

from klient.core.models import Event
from klient.people.models import Customer

pytestmark = pytest.mark.django_db

# 15 January 2025, 12:05 UTC: 13:05 in Warsaw, 07:05 in New York.
WROTE_AT = datetime(2025, 1, 15, 12, 5, tzinfo=UTC)


@pytest.fixture
def ola_wrote(support_team, receive):
    return receive(
        support_team,
        "ola@example.com",
        "Faktura VAT",
        "Dzień dobry, proszę o fakturę VAT.",
        received_at=WROTE_AT,
    ).conversation


def ola() -> Customer:
    return Customer.objects.get(identities__value="ola@example.com")


def test_the_browsers_time_zone_is_stored_on_the_customer(client, ola_wrote):
    signed_in_client(client, "ola@example.com")

    response = client.post("/portal/time-zone/", {"time_zone": "Europe/Warsaw"})

    assert response.status_code == 204
    assert ola().time_zone == "Europe/Warsaw"
    event = Event.objects.get(kind="customer.time_zone_set")
    assert event.data == {"customer": ola().pk, "from": "", "to": "Europe/Warsaw"}


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "", "x" * 100])
def test_a_name_that_is_not_a_time_zone_is_refused(client, ola_wrote, zone):
    signed_in_client(client, "ola@example.com")

    assert client.post("/portal/time-zone/", {"time_zone": zone}).status_code == 400
    assert ola().time_zone == ""


def test_nobody_signed_out_can_set_a_time_zone(client, ola_wrote):
    response = client.post("/portal/time-zone/", {"time_zone": "Asia/Tokyo"})

    assert response.status_code == 302
    assert ola().time_zone == ""


def test_the_page_asks_the_browser_for_its_zone_only_while_none_is_stored(client, ola_wrote):
    signed_in_client(client, "ola@example.com")
    assert 'id="portal-time-zone"' in client.get("/portal/").content.decode()

    client.post("/portal/time-zone/", {"time_zone": "Europe/Warsaw"})

    page = client.get("/portal/").content.decode()
    assert 'id="portal-time-zone"' not in page
    assert "portal/time_zone.js" in page


@pytest.mark.parametrize(
    ("zone", "shown", "offset"),
    [("Europe/Warsaw", "13:05", "+01:00"), ("America/New_York", "07:05", "-05:00")],
)
def test_the_conversation_shows_times_in_the_customers_zone(client, ola_wrote, zone, shown, offset):
    signed_in_client(client, "ola@example.com")
    client.post("/portal/time-zone/", {"time_zone": zone})

    page = client.get(f"/portal/c/{ola_wrote.reference}/?lang=pl").content.decode()

    assert f'datetime="2025-01-15T{shown}:00{offset}"' in page
    assert f"15 stycznia 2025 {shown}" in page


def test_a_link_from_an_email_leads_to_the_conversation_after_signing_in(client, ola_wrote):
    path = f"/portal/c/{ola_wrote.reference}/"

    assert client.get(path).url == "/portal/"  # not signed in: asked to sign in first
    response = client.post(f"/portal/sign-in/{link_token('ola@example.com')}/")

    assert response.status_code == 302 and response.url == path
    assert client.get(path).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_in_warsaw_tells_the_portal_its_zone(live_server, chromium, ola_wrote):
    from playwright.sync_api import expect

    context = chromium.new_context(timezone_id="Europe/Warsaw", locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/portal/sign-in/{link_token('ola@example.com')}/")
    page.locator("#sign-in-button").click()
    page.wait_for_url(f"{live_server.url}/portal/")
    # Posted once, then the page is shown again in that zone, without the form.
    expect(page.locator("#portal-time-zone")).to_have_count(0)

    assert ola().time_zone == "Europe/Warsaw"
    page.goto(f"{live_server.url}/portal/c/{ola_wrote.reference}/?lang=pl")
    expect(page.locator(".portal-message time")).to_have_attribute(
        "datetime", "2025-01-15T13:05:00+01:00"
    )
    context.close()
