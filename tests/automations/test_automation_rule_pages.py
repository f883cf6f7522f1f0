"""Administrators edit rules in the app, at /settings/automations/: add one as JSON (a
wrong one is refused saying why), edit it, switch it off and on, try it in a dry run,
delete it. Agents who are not administrators cannot."""

from __future__ import annotations

import json

from klient.automations.models import Rule
from klient.conversations.actions import update_conversation

PAGE = "/settings/automations/"
BODY = {
    "name": "Pending gets a tag",
    "when": {"event": "status.changed"},
    "if": [{"field": "status", "op": "is", "value": "pending"}],
    "then": [{"action": "add_tag", "value": "waiting"}],
}


def test_an_administrator_adds_edits_switches_previews_and_deletes_a_rule(
    zofia_client, question, agent_anna
):
    assert zofia_client.get(PAGE).status_code == 200
    response = zofia_client.post(PAGE, {"body": json.dumps(BODY)})
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.name == "Pending gets a tag" and rule.active

    page = zofia_client.get(f"{PAGE}{rule.pk}/")
    assert page.status_code == 200 and "Pending gets a tag" in page.content.decode()
    edited = zofia_client.post(f"{PAGE}{rule.pk}/", {"body": json.dumps({**BODY, "name": "Wait"})})
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Wait"

    zofia_client.post(f"{PAGE}{rule.pk}/active/", {"active": "0"})
    rule.refresh_from_db()
    assert not rule.active
    zofia_client.post(f"{PAGE}{rule.pk}/active/", {"active": "1"})
    rule.refresh_from_db()
    assert rule.active

    update_conversation(question, actor=agent_anna, status="pending")
    preview = zofia_client.post(f"{PAGE}{rule.pk}/preview/")
    assert preview.status_code == 200
    assert question.reference in preview.content.decode()
    assert not question.tags.exists()  # a dry run changes nothing

    assert zofia_client.post(f"{PAGE}{rule.pk}/delete/").status_code == 302
    assert not Rule.objects.exists()


def test_a_wrong_rule_is_refused_saying_why(zofia_client):
    response = zofia_client.post(PAGE, {"body": json.dumps({**BODY, "when": {"event": "x"}})})
    assert response.status_code == 422
    assert "when.event" in response.content.decode()
    response = zofia_client.post(PAGE, {"body": "{not json"})
    assert response.status_code == 422
    assert "not valid JSON" in response.content.decode()
    assert not Rule.objects.exists()


def test_agents_who_are_not_administrators_cannot_edit_rules(anna_client):
    assert anna_client.get(PAGE).status_code == 403
    assert anna_client.post(PAGE, {"body": json.dumps(BODY)}).status_code == 403
    assert not Rule.objects.exists()
