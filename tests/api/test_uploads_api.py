"""Agents attach files: POST /api/v1/uploads stores a file for its uploader alone; a reply
or a note takes uploads by id, once each; a reply's files reach the customer's mailbox
byte for byte, a note's are never emailed."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klient.conversations.models import Attachment, Message, Upload
from klient.core import wiring
from klient.core.models import Event

UPLOADS = "/api/v1/uploads"
# Bytes a text transfer would damage: CR LF and lone LF, a NUL, bytes that are not UTF-8.
PDF = b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj\n<<>>\x00\xff\xfe endobj\r\n%%EOF\n"


@pytest.fixture
def upload(client):
    """upload(user, filename, data, content_type) -> response of POST /api/v1/uploads."""

    def _upload(user, filename, data, content_type="application/pdf"):
        return client.post(
            UPLOADS,
            {"file": SimpleUploadedFile(filename, data, content_type=content_type)},
            headers={"Authorization": f"Bearer {user.api_token}"},
        )

    return _upload


def replies(conversation):
    return f"/api/v1/conversations/{conversation.reference}/replies"


def notes(conversation):
    return f"/api/v1/conversations/{conversation.reference}/notes"


def test_an_upload_answers_201_with_its_id_normalised_name_size_and_type(upload, agent_anna):
    response = upload(agent_anna, "fa\u200bktura\u202e.pdf", PDF)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "filename": "faktura.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
    }
    stored = Upload.objects.get(pk=body["id"])
    assert (stored.uploader, stored.attachment) == (agent_anna, None)
    assert stored.blob == hashlib.sha256(PDF).hexdigest()  # content-addressed
    assert Event.objects.filter(kind="upload.stored", actor=agent_anna).count() == 1


def test_a_file_over_the_message_limit_answers_413_with_a_json_detail(upload, agent_anna, settings):
    settings.KLIENT_MAX_MESSAGE_BYTES = 1000

    response = upload(agent_anna, "big.bin", b"x" * 1001)

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert not Upload.objects.exists()
    assert upload(agent_anna, "fits.bin", b"x" * 1000).status_code == 201


def test_an_upload_needs_a_token_and_a_file(client, agent_anna):
    assert client.post(UPLOADS, {}).status_code == 401
    missing = client.post(UPLOADS, {}, headers={"Authorization": f"Bearer {agent_anna.api_token}"})
    assert missing.status_code == 422
    assert "file" in missing.json()["detail"]


def test_a_reply_sends_its_attachments_to_the_customer_intact(
    call, upload, agent_anna, luc_power_cut, smtp_sink
):
    pdf = upload(agent_anna, "devis.pdf", PDF).json()
    photo = upload(agent_anna, "compteur.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png").json()

    response = call(
        agent_anna,
        "post",
        replies(luc_power_cut),
        {"body": "Voici le devis.", "attachments": [pdf["id"], photo["id"]]},
    )

    assert response.status_code == 201, response.content
    sent = response.json()
    assert [(a["filename"], a["size"]) for a in sent["attachments"]] == [
        ("devis.pdf", len(PDF)),
        ("compteur.png", 10),
    ]
    queued = Event.objects.get(kind="message.outbound_queued", data__message=sent["id"])
    assert queued.data["attachments"] == [a["id"] for a in sent["attachments"]]
    wiring.dispatch_pending()
    [email] = smtp_sink.wait_for(1)
    assert email.get_content_type() == "multipart/mixed"
    assert email.get_body(("plain",)).get_content().startswith("Voici le devis.")
    assert email.get_body(("html",)) is not None  # the text and HTML alternatives, then files
    files = {part.get_filename(): part for part in email.iter_attachments()}
    assert files["devis.pdf"].get_payload(decode=True) == PDF
    assert files["devis.pdf"].get_content_type() == "application/pdf"
    assert files["compteur.png"].get_payload(decode=True) == b"\x89PNG\r\n\x1a\n\x00\x00"


def test_a_reply_may_be_only_a_file(call, upload, agent_anna, luc_power_cut):
    pdf = upload(agent_anna, "devis.pdf", PDF).json()

    response = call(
        agent_anna, "post", replies(luc_power_cut), {"body": "", "attachments": [pdf["id"]]}
    )

    assert response.status_code == 201, response.content
    assert call(agent_anna, "post", replies(luc_power_cut), {"body": " "}).status_code == 422


def test_a_note_keeps_its_attachments_for_agents_and_emails_nothing(
    call, upload, agent_anna, luc_power_cut, smtp_sink
):
    photo = upload(agent_anna, "meter.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg").json()

    response = call(
        agent_anna,
        "post",
        notes(luc_power_cut),
        {"body": "Photo of the meter he sent by WhatsApp.", "attachments": [photo["id"]]},
    )

    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert attachment["filename"] == "meter.jpg"
    download = call(agent_anna, "get", attachment["download_url"])
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff\xe0 jpeg"
    note = Message.objects.get(pk=response.json()["id"])
    assert note.kind == Message.Kind.NOTE
    assert Event.objects.get(kind="note.added", data__message=note.pk).data["attachments"] == [
        attachment["id"]
    ]
    wiring.dispatch_pending()
    assert smtp_sink.messages == []


def test_another_agents_upload_answers_404_like_anything_outside_the_callers_scope(
    call, upload, agent_anna, admin_zofia, luc_power_cut
):
    """Even an administrator, who sees every conversation, cannot send someone else's file."""
    annas = upload(agent_anna, "devis.pdf", PDF).json()

    for url in (replies(luc_power_cut), notes(luc_power_cut)):
        response = call(admin_zofia, "post", url, {"body": "Hm.", "attachments": [annas["id"]]})
        assert response.status_code == 404
        assert response.json()["detail"] == f"No upload {annas['id']} that you can attach."
    unknown = call(
        agent_anna, "post", replies(luc_power_cut), {"body": "Hm.", "attachments": [99999]}
    )
    assert unknown.status_code == 404
    assert not Attachment.objects.exists()
    assert not luc_power_cut.messages.exclude(kind=Message.Kind.INBOUND).exists()


def test_an_upload_is_attached_once_a_second_time_answers_409(
    call, upload, agent_anna, luc_power_cut
):
    pdf = upload(agent_anna, "devis.pdf", PDF).json()
    first = call(
        agent_anna, "post", replies(luc_power_cut), {"body": "Devis.", "attachments": [pdf["id"]]}
    )
    assert first.status_code == 201

    again = call(
        agent_anna, "post", notes(luc_power_cut), {"body": "Same file.", "attachments": [pdf["id"]]}
    )

    assert again.status_code == 409
    assert "already attached" in again.json()["detail"]
    assert Attachment.objects.count() == 1
    assert Upload.objects.get(pk=pdf["id"]).attachment.message_id == first.json()["id"]


def test_files_too_large_together_for_one_email_are_refused_with_413(
    call, upload, agent_anna, luc_power_cut, settings
):
    settings.KLIENT_MAX_MESSAGE_BYTES = 1000
    ids = [upload(agent_anna, f"part{i}.bin", b"x" * 600).json()["id"] for i in range(2)]

    response = call(
        agent_anna, "post", replies(luc_power_cut), {"body": "Both.", "attachments": ids}
    )

    assert response.status_code == 413
    assert "together" in response.json()["detail"]
    assert Upload.objects.filter(attachment__isnull=True).count() == 2  # nothing was taken
    # A note is never emailed: the same files may go with it.
    assert (
        call(
            agent_anna, "post", notes(luc_power_cut), {"body": "Both.", "attachments": ids}
        ).status_code
        == 201
    )
