"""A customer's data exported, then erased (issue 18, item 4): "Export then erase a
customer … nothing personal left in any table or file, reports unchanged."

Olga wrote with an attachment (the real mail pipeline), Anna answered with an upload and
logged two calls (one missed: a callback), another mail of hers sits in quarantine."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from scans import database_hits, file_hits

from klient.conversations.models import Attachment, Conversation, Message
from klient.core import blobs
from klient.core.models import Event
from klient.mail.models import InboundMail
from klient.phone.models import Call, Callback

pytestmark = pytest.mark.django_db(transaction=True)


def export(call, admin, customer):
    response = call(admin, "get", f"/api/v1/customers/{customer.pk}/export")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return archive, json.loads(archive.read("customer.json"))


def erase(call, admin, customer):
    response = call(admin, "post", f"/api/v1/customers/{customer.pk}/erase", {"confirm": True})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_export_holds_everything_about_her_and_her_files(olga, call, admin_zofia):
    archive, data = export(call, admin_zofia, olga.customer)

    p = olga.persona
    assert data["format"] == "klient.customer-export" and data["version"] == 1
    assert data["customer"]["name"] == p.name
    assert {i["value"] for i in data["identities"]} == {p.email, p.phone}
    assert [c["reference"] for c in data["conversations"]] == [olga.conversation.reference]
    texts = [m["new_text"] for m in data["messages"]]
    assert p.text in texts[0] and any(p.reply_text in t for t in texts)
    assert {a["filename"] for a in data["attachments"]} == {"tabliczka.bin", "instrukcja.bin"}
    for attachment in data["attachments"]:
        assert p.file_text.encode() in archive.read(attachment["file"])
    assert {c["direction"] for c in data["calls"]} == {"inbound", "outbound"}
    assert [c["phone"] for c in data["callbacks"]] == [p.phone]
    held = [i for i in data["inbound_mail"] if i["state"] == "quarantined"]
    assert len(held) == 1 and p.text.encode() in archive.read(held[0]["raw"])
    assert "message.received" in {e["kind"] for e in data["events"]}
    assert data["missing_files"] == []
    exported = Event.objects.get(kind="customer.exported")
    assert exported.actor == admin_zofia and exported.data["counts"]["messages"] == len(texts)


def test_the_preview_counts_first_and_changes_nothing(olga, call, admin_zofia):
    before = database_hits(olga.persona.values())

    preview = call(admin_zofia, "get", f"/api/v1/customers/{olga.customer.pk}/erase")
    unconfirmed = call(admin_zofia, "post", f"/api/v1/customers/{olga.customer.pk}/erase", {})
    no_body = call(admin_zofia, "post", f"/api/v1/customers/{olga.customer.pk}/erase")
    declined = call(
        admin_zofia, "post", f"/api/v1/customers/{olga.customer.pk}/erase", {"confirm": False}
    )

    assert preview.status_code == 200
    counts = preview.json()["counts"]
    assert preview.json()["erased"] is False
    assert counts["identities"] == 2 and counts["attachments"] == 2 and counts["calls"] == 2
    assert counts["quarantined_mail"] == 1 and counts["search_documents"] >= 1
    assert counts["drafts"] == 1 and counts["uploads"] == 2  # the reply's and the draft's
    assert counts["colleague_requests"] == 1 and counts["notifications"] >= 1
    assert unconfirmed.status_code == 422 and unconfirmed.json()["preview"] == counts
    assert "confirm" in unconfirmed.json()["detail"]
    assert no_body.status_code == declined.status_code == 422
    assert database_hits(olga.persona.values()) == before != []
    assert not Event.objects.filter(kind="customer.erased").exists()


def test_after_erasure_nothing_of_hers_is_in_any_table_or_file(olga, call, admin_zofia):
    assert database_hits(olga.persona.values()) and file_hits(olga.persona.values())

    result = erase(call, admin_zofia, olga.customer)

    assert result["erased"] is True and result["counts"]["messages"] >= 3
    assert database_hits(olga.persona.values()) == []
    assert file_hits(olga.persona.values()) == []


def test_tombstones_keep_the_conversation_its_messages_times_and_deliveries(
    olga, call, admin_zofia
):
    messages = list(
        Message.objects.filter(conversation=olga.conversation).values_list(
            "pk", "kind", "sender", "created_at", "author"
        )
    )
    conversation = Conversation.objects.get(pk=olga.conversation.pk)

    erase(call, admin_zofia, olga.customer)

    after = Conversation.objects.get(pk=olga.conversation.pk)
    assert (after.status, after.team, after.channel, after.created_at, after.updated_at) == (
        conversation.status, conversation.team, conversation.channel, conversation.created_at,
        conversation.updated_at,
    )  # fmt: skip
    assert after.subject == "" and after.customer_id == olga.customer.pk
    assert (
        list(
            Message.objects.filter(conversation=olga.conversation).values_list(
                "pk", "kind", "sender", "created_at", "author"
            )
        )
        == messages
    )
    assert set(
        Message.objects.filter(conversation=olga.conversation).values_list("body_text", flat=True)
    ) == {""}
    assert Message.objects.filter(
        conversation=olga.conversation, delivery__sent_at__isnull=False
    ).exists()
    empty = blobs.digest_of(b"")  # what an erased attachment downloads: nothing
    assert set(Attachment.objects.values_list("filename", "blob")) == {("", empty)}
    assert Call.objects.filter(duration_seconds__isnull=True).count() == 2
    assert Callback.objects.get().state == "given_up"
    erased = Event.objects.get(kind="customer.erased")
    assert erased.actor == admin_zofia and erased.data["customer"] == olga.customer.pk
    assert erased.data["counts"]["identities"] == 2


def test_a_second_erasure_changes_nothing_and_counts_zero(olga, call, admin_zofia):
    first = erase(call, admin_zofia, olga.customer)

    again = erase(call, admin_zofia, olga.customer)

    assert set(again["counts"].values()) == {0}, again
    assert set(again["counts"]) == set(first["counts"])
    assert Event.objects.filter(kind="customer.erased").count() == 2


def test_erased_data_does_not_come_back_from_search_quarantine_or_the_export(
    olga, call, admin_zofia, agent_anna
):
    search = f"/api/v1/conversations?q=PX-{olga.persona.email.split('.')[1].split('@')[0]}"
    assert call(agent_anna, "get", search).json()["items"]

    erase(call, admin_zofia, olga.customer)

    assert call(agent_anna, "get", search).json()["items"] == []
    assert call(agent_anna, "get", "/api/v1/conversations?q=pralka").json()["items"] == []
    assert call(admin_zofia, "get", "/api/v1/quarantine").json()["items"] == []
    assert not InboundMail.objects.exists()
    _archive, data = export(call, admin_zofia, olga.customer)
    assert data["identities"] == [] and data["customer"]["name"] == ""
    assert {m["body_text"] for m in data["messages"]} == {""}
    assert data["attachments"] and all(a["file"] is None for a in data["attachments"])
