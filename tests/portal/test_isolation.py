"""A customer reaches only their own conversations and attachments: every portal URL
answers 404 for anyone else's, whatever reference or id is guessed."""

import pytest
from portal_helpers import signed_in_client

from klient.conversations.actions import add_note
from klient.conversations.incoming import IncomingAttachment
from klient.conversations.models import Attachment, Conversation
from klient.core import blobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def toms_attachment(support_team, receive, tom_conversation):
    blob = blobs.store(b"tom's private scan")
    receive(
        support_team,
        "tom@example.com",
        "Re: Lost phone",
        "scan attached",
        conversation=tom_conversation,
        attachments=(IncomingAttachment("scan.pdf", "application/pdf", blob, 18),),
    )
    return Attachment.objects.get(filename="scan.pdf")


def portal_requests(reference: str, attachment_id: int):
    return [
        ("get", f"/portal/c/{reference}/", {}),
        ("post", f"/portal/c/{reference}/reply/", {"body": "hello"}),
        ("post", f"/portal/c/{reference}/status/", {"action": "close"}),
        ("get", f"/portal/c/{reference}/attachments/{attachment_id}/", {}),
    ]


def test_every_portal_url_answers_404_for_another_customers_conversation(
    client, ola_conversation, tom_conversation, toms_attachment
):
    signed_in_client(client, "ola@example.com")
    for method, url, data in portal_requests(tom_conversation.reference, toms_attachment.pk):
        assert getattr(client, method)(url, data).status_code == 404, url
    # Tom's attachment under Ola's own reference, and references that do not exist.
    mine = ola_conversation.reference
    assert client.get(f"/portal/c/{mine}/attachments/{toms_attachment.pk}/").status_code == 404
    for guess in ("K-999999", "K-0", "1", "nonsense"):
        for method, url, data in portal_requests(guess, toms_attachment.pk):
            assert getattr(client, method)(url, data).status_code == 404, url
    tom_conversation.refresh_from_db()
    assert tom_conversation.status != Conversation.Status.SOLVED
    assert tom_conversation.messages.count() == 2


def test_nobody_signed_in_is_sent_to_the_sign_in_page(client, tom_conversation, toms_attachment):
    for method, url, data in portal_requests(tom_conversation.reference, toms_attachment.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response.url == "/portal/", url


def test_the_owner_reaches_their_attachment_as_a_download(
    client, tom_conversation, toms_attachment
):
    signed_in_client(client, "tom@example.com")
    url = f"/portal/c/{tom_conversation.reference}/attachments/{toms_attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"tom's private scan"


def test_internal_notes_never_reach_the_customer(client, agent_anna, ola_conversation):
    add_note(ola_conversation, actor=agent_anna, body="Customer seems annoyed, careful")
    signed_in_client(client, "ola@example.com")
    page = client.get(f"/portal/c/{ola_conversation.reference}/").content.decode()
    assert "proszę o fakturę VAT" in page
    assert "careful" not in page


def test_a_participant_sees_the_conversation_they_were_copied_on(client, support_team, receive):
    conversation = receive(
        support_team, "boss@example.com", "Order 77", "See below", cc=("assistant@example.com",)
    ).conversation
    receive(support_team, "assistant@example.com", "Hi", "my own question")
    signed_in_client(client, "assistant@example.com")
    assert client.get(f"/portal/c/{conversation.reference}/").status_code == 200
