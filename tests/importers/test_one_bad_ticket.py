"""A ticket that cannot be stored (here it repeats another ticket's comment id, as a
corrupt export can) is skipped with the database's reason; the tickets stored in the same
transaction around it are kept."""

from __future__ import annotations

import json

import pytest

from klient.conversations.models import Conversation, Message
from klient.importers.models import ImportedObject
from klient.importers.zendesk import import_export

pytestmark = pytest.mark.django_db


def ticket(tid: int, comment_id: int) -> dict:
    return {
        "id": tid,
        "subject": f"Ticket {tid}",
        "status": "solved",
        "requester_id": 1,
        "created_at": "2024-02-01T10:00:00Z",
        "comments": [
            {"id": comment_id, "author_id": 1, "body": f"About {tid}", "public": True,
             "created_at": "2024-02-01T10:00:00Z"}
        ],
    }  # fmt: skip


def test_a_ticket_that_cannot_be_stored_is_skipped_alone(tmp_path, support_team):
    folder = tmp_path / "export"
    folder.mkdir()
    user = {"id": 1, "name": "Ola", "email": "ola@example.com", "role": "end-user"}
    (folder / "users.json").write_text(json.dumps(user) + "\n")
    tickets = [ticket(1, 10), ticket(2, 10), ticket(3, 30)]
    (folder / "tickets.json").write_text("".join(json.dumps(t) + "\n" for t in tickets))

    report = import_export(folder, progress=False)

    assert sorted(Conversation.objects.values_list("subject", flat=True)) == [
        "Ticket 1",
        "Ticket 3",
    ]
    assert Message.objects.count() == 2
    [(kind, source_id, reason)] = report.skipped_items
    assert (kind, source_id) == ("ticket", "2")
    assert reason.startswith("could not be stored: IntegrityError")
    assert ImportedObject.objects.filter(kind="ticket", skipped="").count() == 2
