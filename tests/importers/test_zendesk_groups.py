"""Zendesk groups become Klient teams by name: a ticket of the "Billing" group lands in
Billing, one of a group Klient has no team for (or of no group) in `--team`, and the
report says which group had no team."""

from __future__ import annotations

import json

import pytest

from klient.conversations.models import Conversation
from klient.importers.zendesk import import_export

pytestmark = pytest.mark.django_db


def ticket(tid: int, group_id: int | None) -> dict:
    return {
        "id": tid,
        "subject": f"Ticket {tid}",
        "status": "open",
        "requester_id": 1,
        "group_id": group_id,
        "created_at": "2024-02-01T10:00:00Z",
        "comments": [
            {"id": tid * 10, "author_id": 1, "body": f"About {tid}", "public": True,
             "created_at": "2024-02-01T10:00:00Z"}
        ],
    }  # fmt: skip


def test_a_groups_tickets_land_in_the_team_of_its_name(tmp_path, support_team, billing_team):
    folder = tmp_path / "export"
    folder.mkdir()
    user = {"id": 1, "name": "Ola", "email": "ola@example.com", "role": "end-user"}
    (folder / "users.json").write_text(json.dumps(user) + "\n")
    groups = [{"id": 7, "name": "  billing "}, {"id": 8, "name": "Returns"}]
    (folder / "groups.json").write_text("".join(json.dumps(g) + "\n" for g in groups))
    tickets = [ticket(1, 7), ticket(2, 8), ticket(3, None)]
    (folder / "tickets.json").write_text("".join(json.dumps(t) + "\n" for t in tickets))

    report = import_export(folder, team=support_team, progress=False)

    teams = dict(Conversation.objects.values_list("subject", "team__name"))
    assert teams == {
        "Ticket 1": billing_team.name,
        "Ticket 2": support_team.name,
        "Ticket 3": support_team.name,
    }
    assert ("group_without_team", "Returns (8)") in [(c, s) for c, s, _ in report.warnings]
    assert "ticket.group_id" not in report.unmapped_fields
