"""Administration in a real browser (Debian's Chromium): an administrator creates a team with
an address and invites an agent through the settings pages; the invitation reaches the
SMTP sink; the agent opens its link, chooses a password and signs in. Then the agent
forgets it: "Forgot your password?" mails a link that sets a new one."""

from __future__ import annotations

import re

import pytest

from klient.core import wiring
from klient.people.models import Team

pytestmark = pytest.mark.browser

LINK = re.compile(r"http://\S+?(/(?:welcome|password/reset)/[^/\s]+/[^/\s]+/)")


def link_path(email) -> str:
    found = LINK.search(email.get_content())
    assert found, email.get_content()
    return found.group(1)


def sign_in(page, url: str, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def choose_password(page, password: str) -> None:
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password confirmation").fill(password)
    page.get_by_role("button", name="Set password").click()


@pytest.mark.django_db(transaction=True)
def test_an_admin_creates_a_team_and_an_agent_who_sets_a_password_and_signs_in(
    settings, asgi_server, chromium, smtp_sink, admin_zofia
):
    from playwright.sync_api import expect

    settings.KLIENT_BASE_URL = asgi_server.url
    admin = asgi_server.page_for(chromium, admin_zofia)

    admin.goto(asgi_server.url + "/")
    admin.get_by_role("link", name="Settings", exact=True).click()
    expect(admin.get_by_role("heading", name="Teams and addresses")).to_be_visible()
    admin.get_by_role("link", name="New team").click()
    admin.get_by_label("Name").fill("Sales")
    admin.get_by_label("Email addresses").fill("sales@shop.example")
    admin.get_by_role("button", name="Create team").click()
    expect(admin.get_by_text("Team Sales created.")).to_be_visible()
    expect(admin.locator(".settings-table")).to_contain_text("sales@shop.example")

    admin.get_by_role("navigation", name="Settings").get_by_role("link", name="Agents").click()
    admin.get_by_role("link", name="Invite an agent").click()
    admin.get_by_label("Email address").fill("kasia@shop.example")
    admin.get_by_label("Name").fill("Kasia Nowak")
    admin.get_by_label("Languages spoken with customers").fill("pl, en")
    admin.get_by_label("Sales").check()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to kasia@shop.example.")).to_be_visible()
    expect(admin.locator(".settings-table")).to_contain_text("invited")
    assert [m.email for m in Team.objects.get(name="Sales").members.all()] == ["kasia@shop.example"]

    wiring.dispatch_pending()  # the worker's handlers send the invitation after commit
    (invitation,) = smtp_sink.wait_for(1)
    assert invitation["To"].addresses[0].addr_spec == "kasia@shop.example"
    assert "Klient" not in str(invitation["From"])

    kasia = chromium.new_context().new_page()
    kasia.goto(asgi_server.url + link_path(invitation))
    expect(kasia.get_by_role("heading", name="Welcome")).to_be_visible()
    choose_password(kasia, "kasia's own secret")
    expect(kasia.get_by_text("Your password is set. Sign in with it now.")).to_be_visible()
    sign_in(kasia, asgi_server.url, "kasia@shop.example", "kasia's own secret")
    expect(kasia.get_by_role("heading", name="Inbox")).to_be_visible()

    # She forgets it: the sign-in page mails her a link to choose another.
    forgetful = chromium.new_context().new_page()
    forgetful.goto(asgi_server.url + "/sign-in/")
    forgetful.get_by_role("link", name="Forgot your password?").click()
    forgetful.get_by_label("Email address").fill("Kasia@shop.example")
    forgetful.get_by_role("button", name="Send me a link").click()
    expect(forgetful.get_by_role("heading", name="Check your inbox")).to_be_visible()

    wiring.dispatch_pending()
    reset = smtp_sink.wait_for(2)[1]
    assert link_path(reset).startswith("/password/reset/")
    forgetful.goto(asgi_server.url + link_path(reset))
    choose_password(forgetful, "another long secret")
    sign_in(forgetful, asgi_server.url, "kasia@shop.example", "another long secret")
    expect(forgetful.get_by_role("heading", name="Inbox")).to_be_visible()

    # The link worked once.
    forgetful.goto(asgi_server.url + link_path(reset))
    expect(forgetful.get_by_role("heading", name="This link no longer works")).to_be_visible()
