"""`klient import zendesk PATH`: a written export of 500 tickets, imported whole."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from klient import cli
from klient.conversations.models import Attachment, Conversation, Message
from klient.core import blobs
from klient.core.models import Event
from klient.importers.models import ImportedObject, ImportRun
from klient.importers.zendesk import import_export
from klient.people.models import Customer, Identity, Organisation

pytestmark = pytest.mark.django_db

STATUS_TABLE = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
}


def conversation_of(ticket_id: int) -> Conversation:
    pk = ImportedObject.objects.get(source="zendesk", kind="ticket", source_id=str(ticket_id))
    return Conversation.objects.get(pk=pk.klient_id)


@pytest.fixture
def imported(small_export, support_team, agent_anna):
    folder, expected = small_export
    report = import_export(folder, progress=False)
    return report, expected


def test_every_object_is_imported_once_with_the_counts_of_the_export(
    zendesk_export, support_team, agent_anna
):
    folder, expected = zendesk_export
    report = import_export(folder, progress=False)
    assert expected.tickets == 500
    assert report.imported == {k: v for k, v in expected.counts.items() if v}
    assert report.skipped == expected.skipped
    assert Conversation.objects.count() == expected.counts["ticket"]
    assert Message.objects.count() == expected.counts["comment"]
    assert Attachment.objects.count() == expected.counts["attachment"]
    assert Organisation.objects.count() == expected.counts["organization"]
    assert Customer.objects.count() == expected.counts["user"]
    assert ImportRun.objects.get().state == "finished"


def test_statuses_are_mapped_by_the_documented_table(imported):
    _, expected = imported
    mapped = Counter(
        STATUS_TABLE[expected.statuses[int(source_id)]]
        for source_id in ImportedObject.objects.filter(kind="ticket", skipped="").values_list(
            "source_id", flat=True
        )
    )
    assert Counter(Conversation.objects.values_list("status", flat=True)) == mapped
    assert conversation_of(3).status == "on_hold"  # Zendesk's "hold"


def test_attachments_are_kept_byte_for_byte(imported):
    _, expected = imported
    kept = {
        int(source_id): Attachment.objects.get(pk=klient_id)
        for source_id, klient_id in ImportedObject.objects.filter(kind="attachment").values_list(
            "source_id", "klient_id"
        )
    }
    assert set(kept) == set(expected.attachments)
    for source_id, attachment in kept.items():
        assert blobs.load(attachment.blob) == expected.attachments[source_id]
        assert attachment.size == len(expected.attachments[source_id])
    invoice = next(a for a in kept.values() if a.content_type == "application/pdf")
    assert invoice.filename.startswith("invoice ") and invoice.filename.endswith("März.pdf")


def test_an_inline_image_is_kept_and_shown_inline_as_mail_inline_images_are(imported):
    _, expected = imported
    ticket_id, attachment_id = 7, expected.inline[7]
    first = conversation_of(ticket_id).messages.order_by("created_at", "pk").first()
    image = first.attachments.get()
    assert image.content_type == "image/png"
    assert blobs.load(image.blob) == expected.attachments[attachment_id]
    assert f'src="cid:{image.content_id}"' in first.body_html
    assert "zendesk.com" not in first.body_html  # no request to the old desk to show it
    assert not first.has_remote_images


def test_comments_keep_their_times_authors_and_privacy(imported, agent_anna):
    _, expected = imported
    notes = Message.objects.filter(kind="note")
    assert notes.count() == expected.private_comments
    assert not notes.filter(sender="customer").exists()
    by_anna = Message.objects.filter(author=agent_anna)
    assert by_anna.exists() and set(by_anna.values_list("kind", flat=True)) <= {"outbound", "note"}
    ghost = Message.objects.filter(from_name="Ghost Agent")
    assert ghost.exists() and not ghost.filter(author__isnull=False).exists()
    conversation = conversation_of(1)
    first = conversation.messages.order_by("created_at", "pk").first()
    assert first.kind == "inbound" and first.sender == "customer"
    assert conversation.created_at == first.created_at
    assert conversation.created_at.year == 2023
    assert conversation.language == conversation.customer.language != ""
    created = conversation.events.get(kind="conversation.created")
    assert created.at == conversation.created_at
    received = conversation.events.filter(kind="message.received").order_by("at")
    assert [e.at for e in received] == list(
        conversation.messages.filter(kind="inbound").values_list("created_at", flat=True)
    )
    assert conversation.events.filter(kind="import.ticket").count() == 1


def test_customers_are_found_by_email_and_phone_in_their_organisations(imported):
    phone_only = Identity.objects.get(kind="phone", value="+48220000003").customer
    assert not phone_only.identities.filter(kind="email").exists()
    both = Identity.objects.get(kind="email", value="customer1@customer01.example").customer
    assert both.identities.filter(kind="phone", value="+48220000001").exists()
    assert both.organisation.name == "Acme Customer 01 Ltd"
    assert both.language == "pl"


def test_customers_copied_on_a_ticket_may_write_into_its_conversation(imported):
    conversation = conversation_of(22)  # copies user 1005 (ticket 22 * 7 + 1, of 50 users)
    copied = ImportedObject.objects.get(kind="user", source_id="1005")
    assert list(conversation.participants.values_list("address", flat=True)) == [
        Customer.objects.get(pk=copied.klient_id).primary_email()
    ]
    assert conversation.participants.get().address == "customer5@customer05.example"
    assert not conversation_of(23).participants.exists()


def test_tags_priority_and_custom_fields_are_kept(imported):
    conversation = conversation_of(9)
    assert set(conversation.tags.values_list("name", flat=True)) == {"order", "batch1", "vip"}
    assert conversation.priority == "normal"  # Zendesk's null priority
    assert conversation_of(8).priority == "urgent"
    details = ImportedObject.objects.get(kind="ticket", source_id="9").details
    assert details["custom_fields"] == {
        "Order number": "ORD-00009",
        "Refund requested": False,
        "Linked account": '{"account": 9, "region": "eu"}',
        "Products": ["shoes", "socks"],
        "field 505": "13.5",
    }
    assert details["unmapped"]["type"] == "incident"


def test_the_report_tells_skipped_items_unmapped_fields_and_warnings(imported):
    report, expected = imported
    skipped = {(kind, source_id): reason for kind, source_id, reason in report.skipped_items}
    assert skipped[("ticket", "13")] == "unknown status 'deleted'"
    assert skipped[("ticket", "21")] == "requester 424242 is not in users.json"
    assert skipped[("line", "users.json:12")].startswith("not JSON")
    assert "not a JSON object but list" in {
        reason for (kind, source_id), reason in skipped.items() if source_id.startswith("tickets")
    }
    assert {"ticket.type", "ticket.due_at", "ticket.satisfaction_rating"} <= set(
        report.unmapped_fields
    )
    codes = Counter(code for code, _, _ in report.warnings)
    assert codes["custom_field"] == 2  # "lookup", and field 505 that no definition types
    assert codes["missing_attachment"] == expected.missing_attachment == 2
    assert codes["unknown_agent"] == 2
    text = report.describe()
    assert "ticket 13: unknown status 'deleted'" in text
    assert "Linked account (503)" in text


def test_importing_the_same_export_again_duplicates_nothing(imported, small_export, capsys):
    folder, expected = small_export
    before = (Conversation.objects.count(), Message.objects.count(), Attachment.objects.count())
    assert cli.main(["import", "zendesk", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "already imported by an earlier run" in captured.out
    assert "100%" in captured.err and "obj/s" in captured.err  # the progress bar
    after = (Conversation.objects.count(), Message.objects.count(), Attachment.objects.count())
    assert after == before
    assert Event.objects.filter(kind="import.ticket").count() == expected.counts["ticket"]


def test_a_folder_without_tickets_is_refused_clearly(tmp_path, support_team, capsys):
    assert cli.main(["import", "zendesk", str(tmp_path), "--no-progress"]) == 2
    assert "no tickets.json" in capsys.readouterr().err


def test_import_mail_still_works(tmp_path, support_team, capsys):
    assert cli.main(["import-mail", str(tmp_path / "nothing"), "--no-progress"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_an_imported_conversation_reads_right_in_the_workspace(imported, anna_client, agent_anna):
    conversation = conversation_of(7)
    page = anna_client.get(f"/c/{conversation.reference}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Question 0 on ticket 7" in html
    assert "Imported from another help desk" in html
    first = conversation.messages.order_by("created_at", "pk").first()
    original = anna_client.get(f"/c/{conversation.reference}/m/{first.pk}/")
    assert original.status_code == 200
    api = Client().get(
        f"/api/v1/conversations/{conversation.reference}",
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    )
    assert api.status_code == 200, api.content
    messages = api.json()["messages"]
    assert [m["kind"] for m in messages][:1] == ["inbound"]
