"""A signed-in customer reads their thread, replies with attachments, closes and reopens,
and sees when we promised to answer."""

import pytest
from portal_helpers import signed_in_client

from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Message
from klient.core import blobs
from klient.portal.models import SignInLink
from klient.sla import actions as sla_actions
from klient.sla import admin_actions as sla_admin_actions

pytestmark = pytest.mark.django_db


def test_the_customer_reads_the_agents_reply(client, agent_anna, ola_conversation):
    reply(ola_conversation, actor=agent_anna, body="Oczywiście, faktura w załączniku wkrótce.")
    signed_in_client(client, "ola@example.com")
    assert (
        "faktura w załączniku"
        in client.get(f"/portal/c/{ola_conversation.reference}/").content.decode()
    )


def test_a_reply_with_an_attachment_is_stored_like_an_inbound_message(client, ola_conversation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in_client(client, "ola@example.com")
    upload = SimpleUploadedFile("faktura\u202efdp.exe", b"%PDF-1.4 proof", "application/pdf")
    url = f"/portal/c/{ola_conversation.reference}/reply/"
    nonce = "a" * 32
    response = client.post(url, {"body": "Przesyłam dane firmy.", "files": upload, "nonce": nonce})
    assert response.status_code == 302
    client.post(url, {"body": "Przesyłam dane firmy.", "nonce": nonce})  # double click
    message = ola_conversation.messages.order_by("-pk").first()
    assert message.kind == Message.Kind.INBOUND and message.sender == Message.Sender.CUSTOMER
    assert ola_conversation.messages.filter(body_text="Przesyłam dane firmy.").count() == 1
    [attachment] = message.attachments.all()
    assert attachment.filename == "fakturafdp.exe"
    assert blobs.load(attachment.blob) == b"%PDF-1.4 proof"


def test_a_too_large_attachment_is_refused(client, ola_conversation, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from klient.portal import views

    monkeypatch.setattr(views, "MAX_FILE_BYTES", 10)
    signed_in_client(client, "ola@example.com")
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    url = f"/portal/c/{ola_conversation.reference}/reply/"
    assert client.post(url, {"body": "big", "files": upload}).status_code == 400
    assert ola_conversation.messages.count() == 1


def test_a_too_long_reply_is_refused_in_the_customers_words(client, ola_conversation):
    from klient.portal.actions import MAX_BODY_CHARS

    signed_in_client(client, "ola@example.com")
    url = f"/portal/c/{ola_conversation.reference}/reply/?lang=pl"
    response = client.post(url, {"body": "x" * (MAX_BODY_CHARS + 1)}, HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 400
    assert "To jest za długie." in response.content.decode()
    assert ola_conversation.messages.count() == 1


def test_the_customer_closes_and_reopens(client, ola_conversation):
    signed_in_client(client, "ola@example.com")
    url = f"/portal/c/{ola_conversation.reference}/status/"
    client.post(url, {"action": "close"})
    ola_conversation.refresh_from_db()
    assert ola_conversation.status == Conversation.Status.SOLVED
    client.post(url, {"action": "reopen"})
    ola_conversation.refresh_from_db()
    assert ola_conversation.status == Conversation.Status.OPEN
    kinds = list(ola_conversation.events.values_list("kind", flat=True))
    assert kinds.count("portal.status_set") == 2


def test_the_promised_answer_time_is_shown_in_the_customers_language(client, support_team, receive):
    sla_admin_actions.save_policy(
        actor=None, name="Fast", first_reply_minutes=240, business_time=False
    )
    conversation = receive(
        support_team, "ola@example.com", "Faktura", "Proszę o fakturę."
    ).conversation
    sla_actions.recompute(conversation.pk)
    signed_in_client(client, "ola@example.com")
    page = client.get("/portal/?lang=pl").content.decode()
    assert "Odpowiemy do" in page
    page = client.get(f"/portal/c/{conversation.reference}/?lang=de").content.decode()
    assert "Wir antworten bis" in page


def test_the_sign_in_link_remembers_the_language_it_was_asked_in(client, ola_conversation):
    client.post("/portal/?lang=uk", {"email": "ola@example.com"})
    assert SignInLink.objects.get().language == "uk"
