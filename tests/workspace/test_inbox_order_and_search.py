"""The inbox's order, pages and search: Open puts the customer who has waited longest
first (an urgent four-day-old conversation is on page one), other sorts on request;
"Load more" appends the next page exactly; a search from any view looks at everything
the agent may see; a reference such as K-1002 opens its conversation, when the agent may
see it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from klient.conversations.actions import reply, update_conversation

INBOX = reverse("workspace:inbox")


def references(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'class="conv-ref">(K-\d+)<', response.content.decode())


def listed(client, **params) -> list[str]:
    return references(client.get(INBOX, params))


@pytest.fixture
def busy_week(support_team, admin_zofia, receive):
    """Thirty questions of today, and an urgent one that has waited four days."""
    now = timezone.now()
    old = receive(
        support_team,
        "urgent@example.com",
        "Card blocked abroad",
        "Please!",
        received_at=now - timedelta(days=4),
    ).conversation
    update_conversation(old, actor=admin_zofia, priority="urgent")
    # Setting the priority was activity; the last word from anyone was four days ago.
    type(old).objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=4))
    today = [
        receive(
            support_team,
            f"c{i}@example.com",
            f"Question {i}",
            "Hello",
            received_at=now - timedelta(hours=10) + timedelta(minutes=i),
        ).conversation
        for i in range(30)
    ]
    return old, today


# Sorts


def test_open_shows_the_customer_waiting_longest_first(anna_client, busy_week):
    old, today = busy_week

    first_page = listed(anna_client)

    assert first_page[0] == old.reference
    assert first_page[1:] == [c.reference for c in today[:24]]
    # By newest activity (Open's order before), it would be on the second page.
    assert old.reference not in listed(anna_client, sort="newest")


def test_answered_conversations_follow_the_waiting_ones_newest_first(
    anna_client, agent_anna, support_team, receive
):
    waiting = receive(support_team, "a@example.com", "Waiting", "x").conversation
    answered_early = receive(support_team, "b@example.com", "Answered 1", "x").conversation
    answered_late = receive(support_team, "c@example.com", "Answered 2", "x").conversation
    reply(answered_early, actor=agent_anna, body="Done.")
    reply(answered_late, actor=agent_anna, body="Done.")

    assert listed(anna_client) == [
        waiting.reference,
        answered_late.reference,
        answered_early.reference,
    ]


def test_the_other_sorts(anna_client, admin_zofia, support_team, receive):
    one, two, three = (
        receive(support_team, f"c{i}@example.com", f"Q{i}", "x").conversation for i in range(3)
    )
    update_conversation(two, actor=admin_zofia, priority="high")
    update_conversation(three, actor=admin_zofia, priority="low")
    update_conversation(one, actor=admin_zofia, priority="urgent")

    assert listed(anna_client, sort="priority") == [c.reference for c in (one, two, three)]
    assert listed(anna_client, sort="newest") == [c.reference for c in (one, three, two)]
    assert listed(anna_client, sort="oldest") == [c.reference for c in (two, three, one)]
    # An unknown sort is the view's own.
    assert listed(anna_client, sort="subject") == listed(anna_client, sort="waiting")


def test_the_sort_menu_offers_the_views_sorts_and_keeps_the_filters(anna_client, busy_week):
    html = anna_client.get(INBOX, {"view": "waiting", "tag": "vip"}).content.decode()

    menu = re.search(r'<select id="inbox-sort" name="sort">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'value="(\w+)"', menu) == ["due", "waiting", "newest", "oldest", "priority"]
    assert '<option value="due" selected>' in menu
    form = re.search(r'<form class="sort-form".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="tag" value="vip">' in form


@pytest.mark.parametrize("sort", ["waiting", "priority", "oldest"])
def test_every_sort_pages_exactly(anna_client, admin_zofia, busy_week, sort):
    old, today = busy_week
    for conversation in today[::4]:
        update_conversation(conversation, actor=admin_zofia, priority="high")
    expected = listed(anna_client, sort=sort)  # the first page

    seen, url = [], f"{INBOX}?sort={sort}"
    while url:
        response = anna_client.get(url)
        seen += references(response)
        older = re.search(r'href="([^"]+)" rel="next"', response.content.decode())
        url = INBOX + older.group(1).replace("&amp;", "&") if older else ""

    assert seen[:25] == expected
    assert sorted(seen) == sorted([old.reference, *(c.reference for c in today)])
    assert len(seen) == 31


# Load more


def test_load_more_appends_the_next_page_and_the_rows_only(anna_client, busy_week):
    _old, today = busy_week
    html = anna_client.get(INBOX).content.decode()
    more = re.search(r'class="load-more" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "partial=rows" in more
    assert "Load more" in html

    rest = anna_client.get(INBOX + more, headers={"HX-Request": "true"})

    body = rest.content.decode()
    assert "<html" not in body and "tab-count" not in body
    assert references(rest) == [c.reference for c in today[24:]]
    assert 'class="load-more"' not in body  # the last page: nothing more to load


# Search from any view


def test_a_search_from_open_finds_a_solved_conversation(
    anna_client, agent_anna, support_team, receive
):
    solved = receive(support_team, "a@example.com", "Refund for order 77", "Refund?").conversation
    update_conversation(solved, actor=agent_anna, status="solved")
    receive(support_team, "b@example.com", "Other", "Nothing to see")

    response = anna_client.get(INBOX, {"view": "open", "q": "refund"})

    assert references(response) == [solved.reference]
    html = response.content.decode()
    assert "Search results from every view" in html
    assert 'aria-current="page"' not in html.split('class="tabs inbox-views"')[1].split("</nav>")[0]


def test_a_search_from_mine_finds_a_teams_conversation_assigned_to_nobody(
    anna_client, support_team, receive
):
    free = receive(support_team, "a@example.com", "Printer jam", "Jammed").conversation

    assert listed(anna_client, view="mine", q="printer") == [free.reference]
    assert listed(anna_client, view="mine") == []


def test_a_search_still_keeps_an_explicit_status_filter(
    anna_client, agent_anna, support_team, receive
):
    solved = receive(support_team, "a@example.com", "Refund A", "x").conversation
    update_conversation(solved, actor=agent_anna, status="solved")
    receive(support_team, "b@example.com", "Refund B", "x")

    assert listed(anna_client, view="all", status="solved", q="refund") == [solved.reference]


def test_a_search_never_reaches_outside_the_agents_teams(
    bruno_client, support_team, billing_team, receive
):
    receive(support_team, "a@example.com", "Refund support", "x")
    billing = receive(billing_team, "b@example.com", "Refund billing", "x").conversation

    assert listed(bruno_client, view="open", q="refund") == [billing.reference]


# A reference opens its conversation


def test_a_reference_opens_the_conversation_however_it_is_typed(
    anna_client, agent_anna, support_team, receive
):
    conversation = receive(support_team, "a@example.com", "Question", "x").conversation
    update_conversation(conversation, actor=agent_anna, status="solved")  # not in Open
    number = conversation.reference.removeprefix("K-")
    page = reverse("workspace:conversation", args=[conversation.reference])

    for typed in (conversation.reference, f"k-{number}", f" K - {number} ", f"k {number}"):
        response = anna_client.get(INBOX, {"view": "open", "q": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == page


def test_a_reference_outside_the_agents_teams_is_a_miss_like_any_other(
    bruno_client, support_team, receive
):
    theirs = receive(support_team, "a@example.com", "Question", "x").conversation

    outside = bruno_client.get(INBOX, {"q": theirs.reference})
    nowhere = bruno_client.get(INBOX, {"q": "K-999999"})

    assert outside.status_code == nowhere.status_code == 200
    for response in (outside, nowhere):
        assert references(response) == []
        assert "No conversation matches this search." in response.content.decode()


def test_words_that_only_look_like_a_reference_are_searched(anna_client, support_team, receive):
    conversation = receive(support_team, "a@example.com", "Kettle broken", "x").conversation

    assert listed(anna_client, q="kettle") == [conversation.reference]
    assert anna_client.get(INBOX, {"q": "K-12 and more"}).status_code == 200
