"""The inbox: only conversations in the agent's scope, filtered by status tab and search,
newest activity first, in keyset pages, in a constant number of queries."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klient.conversations.actions import reply, update_conversation

INBOX = reverse("workspace:inbox")


def references(response) -> list[str]:
    return re.findall(r'class="conv-ref">(K-\d+)<', response.content.decode())


def test_the_inbox_shows_the_teams_conversations_with_who_and_what(
    anna_client, support_team, receive
):
    message = receive(
        support_team,
        "k.wisniewska@poczta.example",
        "Błąd karty SIM",
        "Od dwóch dni błąd SIM",
        from_name="Katarzyna Wiśniewska",
    )
    reference = message.conversation.reference

    page = anna_client.get(INBOX).content.decode()

    assert reference in page
    assert "Błąd karty SIM" in page
    assert "Katarzyna Wiśniewska" in page
    assert "Support" in page
    assert "Unassigned" in page
    assert "Unanswered for" in page
    assert reverse("workspace:conversation", args=[reference]) in page


def test_an_answered_conversation_has_no_unanswered_marker(
    anna_client, agent_anna, support_team, receive
):
    message = receive(support_team, "tom@example.com", "Lost phone", "Help")
    reply(message.conversation, actor=agent_anna, body="Blocked.")

    page = anna_client.get(INBOX).content.decode()

    assert message.conversation.reference in page
    assert "Unanswered for" not in page


def test_bruno_from_billing_sees_neither_supports_conversations_nor_their_page(
    bruno_client, support_team, billing_team, receive
):
    support = receive(support_team, "tom@example.com", "Lost phone", "Help").conversation
    billing = receive(billing_team, "olena@mail.example", "Подвійне списання", "Двічі").conversation

    response = bruno_client.get(reverse("workspace:inbox") + "?status=all")

    assert references(response) == [billing.reference]
    page_url = reverse("workspace:conversation", args=[support.reference])
    assert bruno_client.get(page_url).status_code == 404


def test_an_agent_sees_a_conversation_of_another_team_assigned_to_them(
    bruno_client, agent_bruno, admin_zofia, support_team, receive
):
    conversation = receive(support_team, "tom@example.com", "Lost phone", "Help").conversation
    update_conversation(conversation, actor=admin_zofia, assignee=agent_bruno)

    assert references(bruno_client.get(INBOX)) == [conversation.reference]
    page_url = reverse("workspace:conversation", args=[conversation.reference])
    assert bruno_client.get(page_url).status_code == 200


def test_an_admin_sees_every_team(client, admin_zofia, support_team, billing_team, receive):
    one = receive(support_team, "tom@example.com", "Lost phone", "Help").conversation
    two = receive(billing_team, "olena@mail.example", "Invoice", "Twice").conversation
    client.force_login(admin_zofia)

    assert set(references(client.get(INBOX))) == {one.reference, two.reference}


def test_status_tabs_filter_by_status(anna_client, agent_anna, support_team, receive):
    waiting = receive(support_team, "a@example.com", "New one", "Hello").conversation
    pending = receive(support_team, "b@example.com", "Pending one", "Hello").conversation
    solved = receive(support_team, "c@example.com", "Solved one", "Hello").conversation
    update_conversation(pending, actor=agent_anna, status="pending")
    update_conversation(solved, actor=agent_anna, status="solved")

    assert references(anna_client.get(INBOX)) == [waiting.reference]
    assert references(anna_client.get(INBOX + "?status=pending")) == [pending.reference]
    assert references(anna_client.get(INBOX + "?status=solved")) == [solved.reference]
    assert references(anna_client.get(INBOX + "?status=on_hold")) == []
    assert len(references(anna_client.get(INBOX + "?status=all"))) == 3
    # An unknown tab is not passed to the database: it shows the default tab.
    assert references(anna_client.get(INBOX + "?status=__all__")) == [waiting.reference]


def test_search_finds_by_subject_customer_address_and_reference(anna_client, support_team, receive):
    sim = receive(support_team, "k.wisniewska@poczta.example", "Błąd karty SIM", "x").conversation
    vat = receive(
        support_team, "magda@pracownia.example", "Faktura VAT", "y", from_name="Magdalena Zielińska"
    ).conversation

    def search(q):
        return references(anna_client.get(INBOX, {"status": "all", "q": q}))

    assert search("karty") == [sim.reference]
    assert search("pracownia.example") == [vat.reference]
    assert search("zielińska") == [vat.reference]
    assert search("nothing like this") == []
    # A reference the agent may see opens its conversation (tests/workspace/test_inbox_show.py).
    jump = anna_client.get(INBOX, {"status": "all", "q": sim.reference.lower()})
    assert jump["Location"] == reverse("workspace:conversation", args=[sim.reference])


def test_older_pages_follow_the_last_row_without_gaps_or_repeats(
    anna_client, support_team, receive
):
    created = [
        receive(support_team, f"c{i}@example.com", f"Question {i}", "Hello").conversation.reference
        for i in range(30)
    ]

    first = anna_client.get(INBOX)
    first_refs = references(first)
    older = re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1)
    second = anna_client.get(INBOX + older.replace("&amp;", "&"))
    second_refs = references(second)

    assert len(first_refs) == 25
    # Open: the customer waiting longest first.
    assert first_refs + second_refs == created
    assert 'rel="next"' not in second.content.decode()


def test_a_malformed_page_cursor_is_ignored(anna_client, support_team, receive):
    conversation = receive(support_team, "a@example.com", "Hello", "Hi").conversation

    response = anna_client.get(INBOX, {"before": "99999999999999999999999_1'; drop"})

    assert response.status_code == 200
    assert references(response) == [conversation.reference]


def test_the_inbox_takes_as_many_queries_for_fifteen_rows_as_for_three(
    anna_client, agent_anna, support_team, billing_team, receive, django_assert_num_queries
):
    def add_conversations(count):
        for i in range(count):
            conversation = receive(support_team, f"c{i}@example.com", f"Q{i}", "Hi").conversation
            update_conversation(
                conversation, actor=agent_anna, assignee=agent_anna, priority="high"
            )

    add_conversations(3)
    with CaptureQueriesContext(connection) as three:
        assert len(references(anna_client.get(INBOX))) == 3

    add_conversations(12)
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(references(anna_client.get(INBOX))) == 15
