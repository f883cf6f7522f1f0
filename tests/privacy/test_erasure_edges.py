"""Who may export or erase (administrators only: 403 to an agent who sees the customer,
404 to one who does not, as for an unknown id); a file another customer also sent stays
on disk; a quarantined mail is hers by its From header too; a rolled-back erasure keeps
every file."""

from __future__ import annotations

import pytest
from django.db import transaction

from klient.conversations.incoming import IncomingAttachment
from klient.conversations.models import Attachment
from klient.core import blobs
from klient.mail import actions as mail_actions
from klient.people.models import Customer
from klient.privacy.actions import erase_customer, preview_customer_erasure
from klient.privacy.blob_files import delete_released
from klient.privacy.models import BlobDeletion
from support import customer_email


@pytest.fixture
def ewa(support_team, receive):
    return receive(support_team, "ewa@example.com", "Zwrot", "Chcę zwrócić buty.").conversation


@pytest.mark.parametrize("path", ["/api/v1/customers/{id}/export", "/api/v1/customers/{id}/erase"])
def test_only_administrators_export_or_erase(path, call, ewa, agent_anna, agent_bruno):
    url = path.format(id=ewa.customer_id)

    assert call(agent_anna, "get", url).status_code == 403  # Support sees Ewa
    assert call(agent_bruno, "get", url).status_code == 404  # Billing does not
    assert call(agent_anna, "post", f"/api/v1/customers/{ewa.customer_id}/erase",
                {"confirm": True}).status_code == 403  # fmt: skip
    assert Customer.objects.get(pk=ewa.customer_id).name == ""  # receive gives no name
    assert preview_customer_erasure(ewa.customer)["identities"] == 1


def test_an_unknown_customer_is_404(call, admin_zofia):
    response = call(admin_zofia, "get", "/api/v1/customers/999999/export")
    assert response.status_code == 404 and response.json() == {"detail": "No such customer."}


def test_a_file_another_customer_sent_too_stays_on_disk(
    support_team, receive, admin_zofia, django_capture_on_commit_callbacks
):
    logo = blobs.store(b"the shop's own logo, in both signatures")
    for address in ("ewa@example.com", "jan@example.com"):
        receive(support_team, address, "Logo", "W stopce.", attachments=(
            IncomingAttachment(filename="logo.png", content_type="image/png", blob=logo, size=40),
        ))  # fmt: skip
    ewa = Customer.objects.get(identities__value="ewa@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        erase_customer(ewa, actor=admin_zofia)

    assert blobs.path_for(logo).exists()
    assert not BlobDeletion.objects.exists()


def test_a_quarantined_mail_is_hers_by_its_from_header(support_team, ewa):
    raw = customer_email("Ewa <EWA@example.com>", "Zwrot", "Jeszcze raz.").as_bytes()
    inbound, _ = mail_actions.accept_raw(raw, source="import")
    with transaction.atomic():
        mail_actions.quarantine(inbound, "unreadable")

    assert preview_customer_erasure(ewa.customer)["quarantined_mail"] == 1


def test_a_rolled_back_erasure_deletes_no_file(support_team, receive, admin_zofia):
    data = b"Ewa's photo of the shoes"
    digest = blobs.store(data)
    receive(support_team, "ewa@example.com", "Buty", "Zdjęcie.", attachments=(
        IncomingAttachment(filename="buty.jpg", content_type="image/jpeg", blob=digest, size=24),
    ))  # fmt: skip
    ewa = Customer.objects.get(identities__value="ewa@example.com")

    with pytest.raises(RuntimeError), transaction.atomic():
        erase_customer(ewa, actor=admin_zofia)
        raise RuntimeError("the request failed after the erasure")

    delete_released()  # the sweep finds nothing queued
    assert blobs.load(digest) == data
    assert preview_customer_erasure(ewa)["attachments"] == 1


def test_an_erased_attachment_downloads_as_an_empty_file_not_an_error(
    support_team, receive, admin_zofia, anna_client, call, agent_anna
):
    digest = blobs.store(b"Ewa's receipt, scanned")
    receive(support_team, "ewa@example.com", "Paragon", "W załączniku.", attachments=(
        IncomingAttachment(filename="paragon.pdf", content_type="application/pdf",
                           blob=digest, size=22),
    ))  # fmt: skip
    attachment = Attachment.objects.get()
    erase_customer(Customer.objects.get(identities__value="ewa@example.com"), actor=admin_zofia)

    page = anna_client.get(f"/attachments/{attachment.pk}/")
    api = call(agent_anna, "get", f"/api/v1/attachments/{attachment.pk}")

    assert page.status_code == api.status_code == 200
    assert b"".join(page.streaming_content) == b"".join(api.streaming_content) == b""


def test_where_she_was_only_in_copy_her_address_goes_and_the_other_customers_text_stays(
    support_team, receive, admin_zofia
):
    """Jan wrote to Support with Ewa in copy, and Ewa has a conversation of her own. Erasing
    Ewa takes her address out of Jan's message and its participants; Jan's words, and his
    own address, stay; her export names the copy, not Jan's text."""
    from klient.conversations.models import Participant
    from klient.privacy.export import customer_data

    ewa = receive(support_team, "ewa@example.com", "Zwrot", "Chcę zwrócić buty.").conversation
    jan = receive(
        support_team,
        "jan@example.com",
        "Zwrot dla Ewy",
        "Proszę o zwrot butów mojej żony.",
        cc=("ewa@example.com", "ola@example.com"),
    )
    assert set(Participant.objects.filter(conversation=jan.conversation).values_list(
        "address", flat=True)) >= {"ewa@example.com"}  # fmt: skip

    exported, _files = customer_data(ewa.customer)
    assert [c["conversation"] for c in exported["copies"]] == [
        jan.conversation_id,
        jan.conversation_id,
    ]
    assert "Proszę o zwrot" not in str(exported)
    assert preview_customer_erasure(ewa.customer)["copies"] == 2

    counts = erase_customer(ewa.customer, actor=admin_zofia)
    assert counts["copies"] == 2
    jan.refresh_from_db()
    assert jan.cc == ["ola@example.com"]
    assert jan.body_text == "Proszę o zwrot butów mojej żony."
    assert jan.from_address == "jan@example.com"
    assert not Participant.objects.filter(address="ewa@example.com").exists()
    assert erase_customer(ewa.customer, actor=admin_zofia)["copies"] == 0
