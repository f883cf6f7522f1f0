"""The inbox in a real browser (Debian's Chromium through Playwright): select every row
shown with the keyboard and change them in bulk, load more rows in place, and jump to a
conversation by typing its reference in the search box."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from asgi_server import signed_in_page
from klient.conversations.models import Conversation

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(live_server, chromium, support_team):
    """A page of Chromium signed in as Kasia, an agent of Support."""
    from klient.people.actions import create_agent

    create_agent("kasia@shop.example", teams=[support_team], password="pw-kasia-1")
    return signed_in_page(chromium, live_server.url, "kasia@shop.example", "pw-kasia-1")


@pytest.mark.django_db(transaction=True)
def test_select_all_with_the_keyboard_then_set_a_status(signed_in, support_team, receive):
    from playwright.sync_api import expect

    page = signed_in
    created = [
        receive(support_team, f"c{i}@example.com", f"Question {i}", "Hello").conversation
        for i in range(3)
    ]
    page.reload()
    expect(page.locator("#inbox-list .conv")).to_have_count(3)
    select_all = page.get_by_label("Select all shown")
    expect(select_all).to_be_visible()  # shown once the script runs

    select_all.focus()
    page.keyboard.press("Space")
    for conversation in created:
        expect(page.get_by_label(f"Select {conversation.reference}")).to_be_checked()
    page.get_by_label(f"Select {created[1].reference}").uncheck()
    assert page.evaluate("document.getElementById('select-all').indeterminate")
    page.keyboard.press("Escape")
    page.locator("body").press("*")  # the shortcut: all again
    expect(page.get_by_label(f"Select {created[1].reference}")).to_be_checked()

    page.locator("#bulk-status").select_option("pending")
    page.get_by_role("button", name="Set status").click()

    expect(page.get_by_text("3 conversations updated.")).to_be_visible()
    assert set(
        Conversation.objects.filter(pk__in=[c.pk for c in created]).values_list("status", flat=True)
    ) == {"pending"}
    expect(page.locator("#inbox-list .conv")).to_have_count(0)  # gone from Open
    expect(page.locator('[data-view="pending"] .tab-count')).to_have_text("3")


@pytest.mark.django_db(transaction=True)
def test_load_more_appends_rows_and_moves_the_focus_to_the_first_new_one(
    signed_in, support_team, receive
):
    from playwright.sync_api import expect

    page = signed_in
    now = timezone.now()
    created = [
        receive(
            support_team,
            f"c{i}@example.com",
            f"Question {i}",
            "Hello",
            received_at=now - timedelta(minutes=60 - i),
        ).conversation
        for i in range(30)
    ]
    page.reload()
    expect(page.locator("#inbox-list .conv")).to_have_count(25)

    page.get_by_role("link", name="Load more").click()

    expect(page.locator("#inbox-list .conv")).to_have_count(30)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    first_new = page.locator(f'#inbox-list .conv[data-ref="{created[25].reference}"] .conv-link')
    expect(first_new).to_be_focused()
    assert "before=" not in page.url  # appended in place, not the next page
    page.get_by_label("Select all shown").check()
    expect(page.locator("#inbox-list .conv-select:checked")).to_have_count(30)


@pytest.mark.django_db(transaction=True)
def test_typing_a_reference_opens_its_conversation_and_marks_it_read(
    signed_in, support_team, billing_team, receive
):
    from playwright.sync_api import expect

    page = signed_in
    solved = receive(support_team, "a@example.com", "Lost parcel", "Where is it?").conversation
    Conversation.objects.filter(pk=solved.pk).update(status="solved")  # not in Open
    elsewhere = receive(billing_team, "b@example.com", "Invoice", "x").conversation
    number = solved.reference.removeprefix("K-")

    inbox = page.url.split("?")[0]
    page.goto(inbox + "?view=solved")
    row = page.locator(f'.conv[data-ref="{solved.reference}"]')
    expect(row).to_have_class(re.compile(r"\bis-unread\b"))
    page.goto(inbox)  # Open, where it is not
    page.locator("#inbox-q").fill(f"k {number}")
    page.locator("#inbox-q").press("Enter")

    page.wait_for_url(f"**/c/{solved.reference}/")
    expect(page.get_by_role("heading", name="Lost parcel")).to_be_visible()
    page.goto(inbox + "?view=solved")
    expect(row).not_to_have_class(re.compile(r"\bis-unread\b"))

    page.locator("#inbox-q").fill(elsewhere.reference)
    page.locator("#inbox-q").press("Enter")
    expect(page.get_by_text("No conversation matches this search.")).to_be_visible()
    assert "/c/" not in page.url
