"""Story 4: a customer writes twice about the same thing. An agent merges the duplicate
into the conversation that survives, and nothing is lost: messages, attachments, notes,
participants and tags move; the duplicate keeps its reference, is closed and points to the
survivor; mail answering the duplicate lands in the survivor."""

import json
from email.message import EmailMessage

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from klient.conversations.actions import add_note, reply, set_tags
from klient.conversations.incoming import IncomingAttachment
from klient.conversations.merge import merge_conversations
from klient.conversations.models import Conversation, Message, Participant
from klient.conversations.search import search_conversations
from klient.core import blobs
from klient.core.models import Event
from klient.mail import actions as mail_actions
from support import signed_in


@pytest.fixture
def first_inquiry(support_team, receive):
    """Ewa asks for a VAT invoice."""
    return receive(
        support_team,
        "ewa@example.pl",
        "Faktura VAT",
        "Proszę o fakturę VAT za zamówienie 1234.",
        message_id="<ewa-1@example.pl>",
    ).conversation


@pytest.fixture
def second_inquiry(support_team, receive):
    """Nobody answered; Ewa writes again, copying her accountant, with the order
    confirmation attached."""
    return receive(
        support_team,
        "ewa@example.pl",
        "Faktura do zamówienia 1234",
        "Piszę ponownie w sprawie faktury.",
        message_id="<ewa-2@example.pl>",
        cc=("ksiegowa@example.pl",),
        attachments=(
            IncomingAttachment(
                filename="zamowienie.pdf",
                content_type="application/pdf",
                blob=blobs.store(b"%PDF-1.4"),
                size=8,
            ),
        ),
    ).conversation


def merged_pair(first, second, agent):
    add_note(second, actor=agent, body="Druga wiadomość o tej samej fakturze.")
    set_tags(second, actor=agent, add=["faktura"])
    return merge_conversations(second, first, actor=agent)


def test_merging_moves_messages_attachments_notes_participants_and_tags(
    first_inquiry, second_inquiry, agent_anna
):
    source = merged_pair(first_inquiry, second_inquiry, agent_anna)

    assert source.reference == second_inquiry.reference
    assert source.status == Conversation.Status.CLOSED
    assert source.merged_into == first_inquiry
    assert not source.messages.exists()
    thread = list(first_inquiry.messages.order_by("created_at", "id"))
    assert [m.kind for m in thread] == ["inbound", "inbound", "note"]
    assert [a.filename for a in thread[1].attachments.all()] == ["zamowienie.pdf"]
    assert set(first_inquiry.participants.values_list("address", flat=True)) == {
        "ksiegowa@example.pl"
    }
    assert list(first_inquiry.tags.values_list("name", flat=True)) == ["faktura"]
    # Full-text search finds the moved message under the survivor.
    assert search_conversations("ponownie") == [first_inquiry.pk]


def test_the_merge_is_recorded_on_both_conversations_with_references_and_counts(
    first_inquiry, second_inquiry, agent_anna
):
    merged_pair(first_inquiry, second_inquiry, agent_anna)

    [into] = Event.objects.filter(conversation=second_inquiry, kind="conversation.merged_into")
    [merged] = Event.objects.filter(conversation=first_inquiry, kind="conversation.merged")
    counts = {"messages": 2, "attachments": 1, "notes": 1, "participants": 1, "tags": ["faktura"]}
    assert into.data == {"into": first_inquiry.reference, "into_id": first_inquiry.pk, **counts}
    assert merged.data["from"] == second_inquiry.reference
    assert {k: merged.data[k] for k in counts} == counts
    assert into.actor == merged.actor == agent_anna
    closed = Event.objects.get(conversation=second_inquiry, kind="status.changed")
    assert closed.data["to"] == "closed"
    assert closed.data["reason"] == f"merged into {first_inquiry.reference}"


def test_repeating_a_merge_changes_nothing(first_inquiry, second_inquiry, agent_anna):
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)
    events = Event.objects.count()

    again = merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)

    assert again.merged_into_id == first_inquiry.pk
    assert Event.objects.count() == events


def test_a_conversation_cannot_be_merged_into_itself_or_back(
    first_inquiry, second_inquiry, agent_anna
):
    with pytest.raises(ValidationError, match="into itself"):
        merge_conversations(first_inquiry, first_inquiry, actor=agent_anna)
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)

    with pytest.raises(ValidationError, match="cannot be merged into it"):
        merge_conversations(first_inquiry, second_inquiry, actor=agent_anna)


def test_a_merge_into_a_merged_conversation_lands_in_its_survivor(
    first_inquiry, second_inquiry, support_team, receive, agent_anna
):
    third = receive(support_team, "ewa@example.pl", "Faktura!!!", "Trzeci raz.").conversation
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)

    source = merge_conversations(third, second_inquiry, actor=agent_anna)

    assert source.merged_into_id == first_inquiry.pk
    assert first_inquiry.messages.count() == 3
    # And a merged conversation cannot then go elsewhere.
    fourth = receive(support_team, "ewa@example.pl", "Inna sprawa", "?").conversation
    with pytest.raises(ValidationError, match="already merged"):
        merge_conversations(third, fourth, actor=agent_anna)


def test_two_customers_are_merged_only_with_an_explicit_confirmation(
    first_inquiry, support_team, receive, agent_anna
):
    """It would show one customer's thread to the other's replies."""
    husband = receive(support_team, "adam@example.pl", "Faktura żony", "Ta sama faktura.")
    other = husband.conversation

    with pytest.raises(ValidationError, match="different customers") as refused:
        merge_conversations(other, first_inquiry, actor=agent_anna)
    assert refused.value.code == "other_customer"
    assert Message.objects.get(pk=husband.pk).conversation_id == other.pk

    merge_conversations(other, first_inquiry, actor=agent_anna, allow_other_customer=True)

    assert Participant.objects.filter(
        conversation=first_inquiry, address="adam@example.pl"
    ).exists()


def test_both_conversations_must_be_in_the_agents_scope(
    first_inquiry, billing_team, receive, agent_anna
):
    billing = receive(billing_team, "ewa@example.pl", "Faktura", "Do działu rozliczeń.")

    with pytest.raises(Http404):
        merge_conversations(first_inquiry, billing.conversation, actor=agent_anna)
    with pytest.raises(Http404):
        merge_conversations(billing.conversation, first_inquiry, actor=agent_anna)
    assert Conversation.objects.filter(merged_into__isnull=False).count() == 0


# --- mail into a merged conversation -------------------------------------------------------


def email(subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ewa <ewa@example.pl>"
    msg["To"] = "support@shop.example"
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return bytes(msg)


def deliver(raw: bytes) -> Message:
    inbound, _ = mail_actions.accept_raw(raw, source="smtp")
    mail_actions.process_inbound(inbound.pk)
    inbound.refresh_from_db()
    return Message.objects.get(pk=inbound.message_id)


def test_a_reply_to_a_message_of_the_merged_conversation_lands_in_the_survivor(
    first_inquiry, second_inquiry, agent_anna
):
    answer = reply(second_inquiry, actor=agent_anna, body="Sprawdzamy.")
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)

    message = deliver(email("Re: Faktura", "Dziękuję.", In_Reply_To=answer.message_id))

    assert message.conversation_id == first_inquiry.pk


def test_the_merged_conversations_reference_in_the_subject_leads_to_the_survivor(
    first_inquiry, second_inquiry, agent_anna
):
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)

    message = deliver(email(f"Re: Faktura [{second_inquiry.reference}]", "Czy jest już?"))

    assert message.conversation_id == first_inquiry.pk


# --- the workspace and the API --------------------------------------------------------------


def test_an_agent_merges_from_the_conversation_page(first_inquiry, second_inquiry, agent_anna):
    client = signed_in(agent_anna)
    page = client.get(f"/c/{second_inquiry.reference}/")
    assert f'action="/c/{second_inquiry.reference}/merge/"' in page.content.decode()

    response = client.post(
        f"/c/{second_inquiry.reference}/merge/", {"into": first_inquiry.reference}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/c/{first_inquiry.reference}/"
    assert (
        f"{second_inquiry.reference} was merged into {first_inquiry.reference}."
        in response.content.decode()
    )
    assert first_inquiry.messages.count() == 2


def test_the_merged_conversations_page_redirects_to_the_survivor_with_a_notice(
    first_inquiry, second_inquiry, agent_anna
):
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)

    response = signed_in(agent_anna).get(f"/c/{second_inquiry.reference}/", follow=True)

    assert response.redirect_chain == [(f"/c/{first_inquiry.reference}/", 302)]
    assert "you are looking at" in response.content.decode()


def test_the_page_refuses_a_merge_across_customers_without_the_confirmation(
    first_inquiry, support_team, receive, agent_anna
):
    other = receive(support_team, "adam@example.pl", "Faktura żony", "?").conversation
    client = signed_in(agent_anna)

    refused = client.post(f"/c/{other.reference}/merge/", {"into": first_inquiry.reference})
    assert refused.status_code == 302
    assert Conversation.objects.get(pk=other.pk).merged_into_id is None

    client.post(
        f"/c/{other.reference}/merge/",
        {"into": first_inquiry.reference, "allow_other_customer": "1"},
    )
    assert Conversation.objects.get(pk=other.pk).merged_into_id == first_inquiry.pk


def test_the_merge_form_needs_a_csrf_token(first_inquiry, second_inquiry, agent_anna):
    client = signed_in(agent_anna, enforce_csrf_checks=True)

    response = client.post(
        f"/c/{second_inquiry.reference}/merge/", {"into": first_inquiry.reference}
    )

    assert response.status_code == 403
    assert Conversation.objects.get(pk=second_inquiry.pk).merged_into_id is None


def test_an_unknown_or_unseen_target_is_named_the_same_way_on_the_page(
    first_inquiry, billing_team, receive, agent_anna
):
    billing = receive(billing_team, "ewa@example.pl", "Faktura", "?").conversation
    client = signed_in(agent_anna)
    texts = []
    for ref in (billing.reference, "K-999999"):
        response = client.post(f"/c/{first_inquiry.reference}/merge/", {"into": ref}, follow=True)
        texts.append(response.content.decode().count(f"No conversation {ref} that you can see"))
    assert texts == [1, 1]
    # And a source outside the scope is a 404.
    response = client.post(f"/c/{billing.reference}/merge/", {"into": first_inquiry.reference})
    assert response.status_code == 404


def api_merge(agent, ref, body):
    return Client().post(
        f"/api/v1/conversations/{ref}/merge",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {agent.api_token}"},
    )


def test_the_api_merges_and_answers_the_source_with_merged_into(
    first_inquiry, second_inquiry, agent_anna, agent_bruno
):
    outside = api_merge(agent_bruno, second_inquiry.reference, {"into": first_inquiry.reference})
    assert outside.status_code == 404

    response = api_merge(agent_anna, second_inquiry.reference, {"into": first_inquiry.reference})

    assert response.status_code == 200
    body = response.json()
    assert (body["ref"], body["status"]) == (second_inquiry.reference, "closed")
    assert body["merged_into"] == first_inquiry.reference


def test_the_api_refuses_a_merge_across_customers_with_a_clear_error(
    first_inquiry, support_team, receive, agent_anna
):
    other = receive(support_team, "adam@example.pl", "Faktura żony", "?").conversation

    response = api_merge(agent_anna, other.reference, {"into": first_inquiry.reference})

    assert response.status_code == 422
    assert "allow_other_customer" in response.json()["detail"]
    confirmed = api_merge(
        agent_anna,
        other.reference,
        {"into": first_inquiry.reference, "allow_other_customer": True},
    )
    assert confirmed.status_code == 200


def test_the_merge_form_costs_the_conversation_page_no_query(first_inquiry):
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    conversation = Conversation.objects.get(pk=first_inquiry.pk)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("workspace/_merge.html", {"conversation": conversation})

    assert 'name="into"' in html
    assert len(queries) == 0


def test_a_merged_conversation_takes_no_more_replies_notes_or_changes(
    first_inquiry, second_inquiry, agent_anna
):
    from klient.conversations.actions import update_conversation

    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)
    source = Conversation.objects.get(pk=second_inquiry.pk)

    for attempt in (
        lambda: reply(source, actor=agent_anna, body="Dzień dobry"),
        lambda: add_note(source, actor=agent_anna, body="notatka"),
        lambda: update_conversation(source, actor=agent_anna, status="open"),
    ):
        with pytest.raises(ValidationError, match=f"merged into {first_inquiry.reference}"):
            attempt()
    assert source.messages.count() == 0


def test_the_api_shows_where_a_merged_conversation_went(first_inquiry, second_inquiry, agent_anna):
    merge_conversations(second_inquiry, first_inquiry, actor=agent_anna)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {agent_anna.api_token}"}

    detail = Client().get(f"/api/v1/conversations/{second_inquiry.reference}", **auth).json()
    survivor = Client().get(f"/api/v1/conversations/{first_inquiry.reference}", **auth).json()

    assert detail["merged_into"] == first_inquiry.reference
    assert survivor["merged_into"] is None
