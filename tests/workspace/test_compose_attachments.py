"""The compose boxes take files: the workspace's upload view (the API's action, with the
agent's session) answers the same JSON, a reply or a note takes the uploads' ids, and a
refused form shows its files again."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klient.conversations.models import Attachment, Message, Upload
from klient.mail.uploads import upload_file

UPLOAD = "/uploads/"


@pytest.fixture
def luc(support_team, receive):
    return receive(support_team, "luc@client.fr", "Coupure", "Le courant a sauté.").conversation


def file(name="devis.pdf", data=b"%PDF-1.4\r\n\x00\xff", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_upload_view_answers_the_apis_json_for_a_signed_in_agent(anna_client, agent_anna):
    response = anna_client.post(UPLOAD, {"file": file("ko\u200bntrakt.pdf")})

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "filename": "kontrakt.pdf",
        "size": 12,
        "content_type": "application/pdf",
    }
    assert Upload.objects.get(pk=body["id"]).uploader == agent_anna


def test_the_upload_view_refuses_a_file_over_the_limit_with_413_in_the_agents_words(
    anna_client, settings
):
    settings.KLIENT_MAX_MESSAGE_BYTES = 3 * 2**19  # 1.5 MB

    response = anna_client.post(
        UPLOAD, {"file": file(data=b"x" * (3 * 2**19 + 1))}, HTTP_ACCEPT_LANGUAGE="pl"
    )

    assert response.status_code == 413
    assert response.json()["detail"] == (
        "Plik jest większy niż 1.5 MB, największa wiadomość, jaką przyjmuje Klient."
    )
    assert not Upload.objects.exists()
    assert anna_client.post(UPLOAD, {}).status_code == 400


def test_the_upload_view_needs_a_signed_in_agent(client, db):
    response = client.post(UPLOAD, {"file": file()})

    assert response.status_code == 302
    assert not Upload.objects.exists()


def test_the_compose_boxes_offer_a_labelled_file_input(anna_client, luc):
    page = anna_client.get(f"/c/{luc.reference}/").content.decode()

    assert '<label for="reply-files">' in page
    assert 'id="reply-files" multiple' in page
    assert '<label for="note-files">' in page
    assert "workspace/compose_files.js" in page


def test_a_reply_from_the_page_carries_its_uploads(anna_client, agent_anna, luc):
    upload = upload_file(actor=agent_anna, filename="devis.pdf", content_type="", data=b"%PDF")

    response = anna_client.post(
        f"/c/{luc.reference}/reply/", {"body": "Voici le devis.", "attachments": [upload.pk]}
    )

    assert response.status_code == 302
    reply = luc.messages.get(kind=Message.Kind.OUTBOUND)
    assert [a.filename for a in reply.attachments.all()] == ["devis.pdf"]
    page = anna_client.get(f"/c/{luc.reference}/").content.decode()
    attachment = reply.attachments.get()
    assert f'href="/attachments/{attachment.pk}/" download>devis.pdf</a>' in page
    assert anna_client.get(f"/attachments/{attachment.pk}/").getvalue() == b"%PDF"


def test_a_note_from_the_page_carries_its_uploads(anna_client, agent_anna, luc):
    upload = upload_file(
        actor=agent_anna, filename="meter.jpg", content_type="image/jpeg", data=b"jpg"
    )

    response = anna_client.post(
        f"/c/{luc.reference}/note/", {"body": "", "attachments": [str(upload.pk)]}
    )

    assert response.status_code == 302
    note = luc.messages.get(kind=Message.Kind.NOTE)
    assert note.attachments.get().filename == "meter.jpg"


def test_someone_elses_upload_is_refused_on_the_form_and_nothing_is_sent(
    anna_client, agent_bruno, luc
):
    brunos = upload_file(actor=agent_bruno, filename="x.pdf", content_type="", data=b"x")

    response = anna_client.post(
        f"/c/{luc.reference}/reply/", {"body": "Hm.", "attachments": [brunos.pk]}
    )

    assert response.status_code == 400
    assert "An attached file is not one you uploaded." in response.content.decode()
    assert not luc.messages.exclude(kind=Message.Kind.INBOUND).exists()
    assert not Attachment.objects.exists()


def test_a_refused_reply_shows_its_files_again(anna_client, agent_anna, luc, settings):
    upload = upload_file(actor=agent_anna, filename="plan.pdf", content_type="", data=b"x" * 20)
    settings.KLIENT_MAX_MESSAGE_BYTES = 10  # together too large for an email now

    response = anna_client.post(
        f"/c/{luc.reference}/reply/", {"body": "Le plan.", "attachments": [upload.pk]}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "the largest message Klient sends" in page
    assert f'<input type="hidden" name="attachments" value="{upload.pk}">' in page
    assert Upload.objects.get(pk=upload.pk).attachment is None
