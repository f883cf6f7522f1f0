"""What an inbox row and the view tabs tell at a glance: each view's count, a conversation
unread for this agent until they open it, the start of the last message (plain, escaped,
cut short), the channel's and the attachments' icons with words for screen readers, and
a number of queries that does not grow with the rows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klient.conversations.actions import add_note, reply, update_conversation
from klient.conversations.incoming import IncomingAttachment
from klient.conversations.models import ReadMarker
from klient.core.models import Event
from klient.workspace import inbox

INBOX = reverse("workspace:inbox")


def page(client, **params) -> str:
    response = client.get(INBOX, params)
    assert response.status_code == 200
    return response.content.decode()


def counts(html: str) -> dict[str, str]:
    """Each view tab's count as shown ("" when the tab shows none)."""
    return dict(
        re.findall(r'data-view="(\w+)"[^>]*>[^<]*(?:<span class="tab-count">([^<]*)</span>)?', html)
    )


def tab_counts(client, **params) -> dict[str, str]:
    """The counts the tabs fetch once the page is shown (partial=counts)."""
    return counts(page(client, partial="counts", **params))


def row(html: str, reference: str) -> str:
    """The HTML of one conversation's row."""
    found = re.search(rf'<li class="conv[^"]*" data-ref="{reference}">.*?</li>', html, re.S)
    assert found, f"{reference} is not on the page"
    return found.group(0)


@pytest.fixture
def desk(support_team, billing_team, agent_anna, admin_zofia, receive):
    def conv(team, address, subject):
        return receive(team, address, subject, "Hello").conversation

    waiting = conv(support_team, "ola@example.pl", "Waiting")
    mine = conv(support_team, "jan@example.pl", "Mine")
    update_conversation(mine, actor=admin_zofia, assignee=agent_anna)
    pending = conv(support_team, "pia@example.com", "Pending")
    update_conversation(pending, actor=admin_zofia, status="pending")
    solved = conv(support_team, "sol@example.com", "Solved")
    update_conversation(solved, actor=admin_zofia, status="solved")
    conv(billing_team, "luc@example.fr", "Billing only")  # not Anna's
    return {"waiting": waiting, "mine": mine, "pending": pending, "solved": solved}


# Counts per view


def test_each_view_tab_shows_how_many_conversations_it_holds(anna_client, desk):
    assert tab_counts(anna_client) == {
        "open": "2",
        "mine": "1",
        "unassigned": "1",
        "teams": "2",
        "waiting": "2",
        "breaching": "0",
        "breached": "0",
        "pending": "1",
        "solved": "1",
        "all": "4",
    }


def test_the_counts_follow_the_filters_but_not_the_search(anna_client, agent_anna, desk):
    """A tab's count is what clicking it shows: the page's filters (a tab keeps them),
    not its search (a tab leaves it)."""
    from klient.conversations.actions import set_tags

    set_tags(desk["mine"], actor=agent_anna, add=["vip"])
    set_tags(desk["solved"], actor=agent_anna, add=["vip"])

    tagged = tab_counts(anna_client, tag="vip", q="nothing like this")

    assert (tagged["open"], tagged["mine"], tagged["solved"], tagged["all"]) == ("1", "1", "1", "2")


def test_a_count_above_the_limit_says_so(anna_client, desk, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_AT_MOST", 3)

    shown = tab_counts(anna_client)

    assert shown["all"] == "3+"
    assert shown["open"] == "2"


def test_the_counts_cost_one_query_whatever_the_number_of_views(
    anna_client, desk, django_assert_max_num_queries
):
    from klient.conversations.models import Conversation
    from klient.conversations.queries import count_each

    listings = {f"v{i}": Conversation.objects.filter(pk__gte=i) for i in range(12)}
    with django_assert_max_num_queries(1):
        counted = count_each(listings, at_most=999)

    assert counted["v0"] == Conversation.objects.count()


def test_the_page_shows_its_rows_at_once_and_its_tabs_fetch_their_counts(anna_client, desk):
    """Ten counts over a million conversations must not hold the rows back: the page has
    none, and its tabs ask for them with the page's filters; the answer is the tabs alone,
    which do not ask again."""
    shown = page(anna_client)
    filtered = page(anna_client, tag="vip")

    assert 'class="conv-ref"' in shown
    assert "tab-count" not in shown
    [asks] = re.findall(r'<nav[^>]*id="inbox-views"[^>]*>', filtered)
    assert 'hx-trigger="load"' in asks and "partial=counts" in asks and "tag=vip" in asks

    answer = page(anna_client, tag="vip", partial="counts")
    assert answer.lstrip().startswith("<nav") and "tab-count" in answer
    assert "hx-get" not in answer and 'class="conv-ref"' not in answer


def test_the_rows_refresh_does_not_count_again(anna_client, desk):
    response = anna_client.get(
        INBOX, {"partial": "rows"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert 'class="conv-ref"' in response
    assert "tab-count" not in response


# Unread markers


def test_a_new_customer_message_is_unread_until_the_agent_opens_it(
    anna_client, support_team, receive
):
    message = receive(support_team, "tom@example.com", "Lost phone", "Help")
    conversation = message.conversation
    reference = conversation.reference

    assert "is-unread" in row(page(anna_client), reference)
    anna_client.get(reverse("workspace:conversation", args=[reference]))
    assert "is-unread" not in row(page(anna_client), reference)

    receive(
        support_team, "tom@example.com", "Re: Lost phone", "Any news?", conversation=conversation
    )
    again = row(page(anna_client), reference)
    assert "is-unread" in again
    assert '<span class="visually-hidden">Unread</span>' in again


def test_the_live_refresh_of_an_open_conversation_is_not_reading_it(
    anna_client, support_team, receive
):
    """The page is open in a tab; the customer writes and the live script refetches it,
    perhaps while Anna types (then the new message waits behind a button). It stays unread
    in the inbox until she opens the conversation."""
    message = receive(support_team, "tom@example.com", "Lost phone", "Help")
    url = reverse("workspace:conversation", args=[message.conversation.reference])

    anna_client.get(url, headers={"X-Klient-Live": "1"})

    assert "is-unread" in row(page(anna_client), message.conversation.reference)


def test_read_markers_are_per_agent_and_no_event(
    anna_client, client, admin_zofia, agent_anna, support_team, receive
):
    conversation = receive(support_team, "tom@example.com", "Lost phone", "Help").conversation
    events_before = Event.objects.count()

    anna_client.get(reverse("workspace:conversation", args=[conversation.reference]))
    client.force_login(admin_zofia)

    assert "is-unread" in row(page(client), conversation.reference)
    marker = ReadMarker.objects.get(conversation=conversation)
    assert marker.agent == agent_anna
    assert marker.seen_message_id == conversation.messages.get().pk
    assert Event.objects.count() == events_before  # opening a page is not a change


def test_the_agents_own_reply_or_note_does_not_make_it_unread(
    anna_client, agent_anna, support_team, receive
):
    conversation = receive(support_team, "tom@example.com", "Lost phone", "Help").conversation
    anna_client.get(reverse("workspace:conversation", args=[conversation.reference]))

    reply(conversation, actor=agent_anna, body="Blocked the card.")
    add_note(conversation, actor=agent_anna, body="Called the bank.")

    assert "is-unread" not in row(page(anna_client), conversation.reference)


def test_a_message_stored_late_with_an_old_time_is_still_unread(anna_client, support_team, receive):
    """What counts is what the page showed, not times: a retried quarantine stores a
    message with the time it was first received, before the agent's last visit."""
    conversation = receive(support_team, "tom@example.com", "Lost phone", "Help").conversation
    anna_client.get(reverse("workspace:conversation", args=[conversation.reference]))

    receive(
        support_team,
        "tom@example.com",
        "Re: Lost phone",
        "Sent yesterday",
        conversation=conversation,
        received_at=timezone.now() - timedelta(days=1),
    )

    assert "is-unread" in row(page(anna_client), conversation.reference)


# The preview line


def test_the_preview_is_the_start_of_the_last_message_plain_and_escaped(
    anna_client, support_team, receive
):
    body = "<script>alert(1)</script>   Hello,\n\n  my parcel " + "never came " * 30
    conversation = receive(support_team, "tom@example.com", "Parcel", body).conversation

    shown = row(page(anna_client), conversation.reference)

    preview = re.search(r'<p class="conv-preview">(.*?)</p>', shown, re.S).group(1)
    assert preview.startswith("&lt;script&gt;alert(1)&lt;/script&gt; Hello, my parcel never came")
    assert "<script>" not in shown
    assert preview.endswith("…")
    assert len(preview.replace("&lt;", "<").replace("&gt;", ">")) <= 140


def test_the_preview_follows_the_last_message_and_says_when_it_is_a_note(
    anna_client, agent_anna, support_team, receive
):
    conversation = receive(support_team, "tom@example.com", "Parcel", "Where is it?").conversation
    reply(conversation, actor=agent_anna, body="It left our warehouse today.")
    assert "It left our warehouse today." in row(page(anna_client), conversation.reference)

    add_note(conversation, actor=agent_anna, body="Courier says Friday.")

    shown = row(page(anna_client), conversation.reference)
    assert '<p class="conv-preview is-note">Note: Courier says Friday.</p>' in shown


def test_the_preview_is_the_quoted_texts_new_part_only(anna_client, support_team, receive):
    conversation = receive(
        support_team,
        "tom@example.com",
        "Re: Parcel",
        "Thanks!\n\n> On Monday you wrote: it left",
        new_text="Thanks!",
    ).conversation

    assert '<p class="conv-preview">Thanks!</p>' in row(page(anna_client), conversation.reference)


# Icons


def test_rows_show_the_channel_and_attachments_with_words_for_screen_readers(
    anna_client, support_team, receive
):
    phoned = receive(
        support_team, "+48601234567", "Call", "Called", channel="phone", from_kind="phone"
    ).conversation
    with_file = receive(
        support_team,
        "tom@example.com",
        "Invoice",
        "Attached",
        attachments=(IncomingAttachment("invoice.pdf", "application/pdf", "ab" * 32, 1234),),
    ).conversation

    html = page(anna_client)

    assert '<span class="visually-hidden">Channel: Phone</span>' in row(html, phoned.reference)
    assert "Has attachments" not in row(html, phoned.reference)
    file_row = row(html, with_file.reference)
    assert '<span class="visually-hidden">Channel: Email</span>' in file_row
    assert '<span class="visually-hidden">Has attachments</span>' in file_row
    assert 'aria-hidden="true"' in file_row  # the drawing itself is not read out


def test_the_icons_words_are_translated(anna_client, support_team, receive):
    conversation = receive(
        support_team,
        "tom@example.com",
        "Faktura",
        "W załączniku",
        attachments=(IncomingAttachment("faktura.pdf", "application/pdf", "cd" * 32, 99),),
    ).conversation

    html = anna_client.get(INBOX, headers={"accept-language": "pl"}).content.decode()

    shown = row(html, conversation.reference)
    assert "Kanał: E-mail" in shown
    assert "Zawiera załączniki" in shown
    assert "Nieprzeczytana" in shown


# Queries


def test_the_page_costs_the_same_queries_for_3_or_20_rows_with_everything_on_them(
    anna_client, agent_anna, support_team, receive, django_assert_num_queries
):
    def add(count, start):
        for i in range(start, start + count):
            conversation = receive(
                support_team,
                f"c{i}@example.com",
                f"Q{i}",
                f"Question {i}",
                channel="web" if i % 2 else "email",
                attachments=(IncomingAttachment(f"f{i}.txt", "text/plain", f"{i:064x}", 3),),
            ).conversation
            add_note(conversation, actor=agent_anna, body=f"Note {i}")
            if i % 3 == 0:
                anna_client.get(reverse("workspace:conversation", args=[conversation.reference]))

    add(3, 0)
    with CaptureQueriesContext(connection) as three:
        assert page(anna_client).count('class="conv-ref"') == 3
    queries = len(three.captured_queries)  # read now: each request resets Django's log
    add(17, 3)
    with django_assert_num_queries(queries):
        html = page(anna_client)
    assert html.count('class="conv-ref"') == 20
    assert html.count('<span class="visually-hidden">Has attachments<') == 20
