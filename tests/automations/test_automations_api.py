"""The API contract: GET/POST /api/v1/automations, GET/PATCH/DELETE /automations/{id},
POST /automations/{id}/preview; administrators only; a body that is no rule answers 422
saying where and why; tags are listed on conversations."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from klient.automations.models import Rule
from klient.conversations.actions import set_tags, update_conversation

URL = "/api/v1/automations"
STALE = {
    "name": "Stale pending",
    "when": {"after": {"minutes": 4320, "business": True, "since": "status:pending"}},
    "if": [{"field": "status", "op": "is", "value": "pending"}],
    "then": [{"action": "add_tag", "value": "stale"}],
    "active": True,
}


def test_an_administrator_adds_reads_changes_and_deletes_a_rule(call, admin_zofia):
    created = call(admin_zofia, "post", URL, STALE)
    assert created.status_code == 201, created.json()
    rule = created.json()
    assert {k: rule[k] for k in STALE} == STALE
    assert call(admin_zofia, "get", URL).json()["items"] == [rule]
    assert call(admin_zofia, "get", f"{URL}/{rule['id']}").json() == rule

    changed = call(admin_zofia, "patch", f"{URL}/{rule['id']}", {"active": False})
    assert changed.status_code == 200
    assert changed.json()["active"] is False and changed.json()["name"] == "Stale pending"

    assert call(admin_zofia, "delete", f"{URL}/{rule['id']}").status_code == 204
    assert call(admin_zofia, "get", f"{URL}/{rule['id']}").status_code == 404
    assert not Rule.objects.exists()


def test_an_event_rule_and_a_one_minute_rule_are_valid(call, admin_zofia):
    event_rule = {**STALE, "when": {"event": "message.received"}}
    assert call(admin_zofia, "post", URL, event_rule).status_code == 201
    one_minute = {**STALE, "when": {"after": {"minutes": 1, "since": "status:open"}}}
    response = call(admin_zofia, "post", URL, one_minute)
    assert response.status_code == 201
    assert response.json()["when"] == {
        "after": {"minutes": 1, "business": False, "since": "status:open"}
    }


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"when": {"event": "promise.kept"}}, "when.event"),  # promise.broken is one (issue 17)
        ({"when": {"after": {"minutes": 0, "since": "status:pending"}}}, "when.after.minutes"),
        ({"when": {"after": {"minutes": 1.5, "since": "status:pending"}}}, "when.after.minutes"),
        ({"when": {"after": {"minutes": 60, "since": "status:later"}}}, "when.after.since"),
        ({"if": [{"field": "mood", "op": "is", "value": "sad"}]}, "if[0].field"),
        ({"if": [{"field": "status", "op": "contains", "value": "open"}]}, "if[0].op"),
        ({"if": [{"field": "status", "op": "is", "value": "sleeping"}]}, "if[0].value"),
        ({"then": []}, "then"),
        ({"then": [{"action": "explode", "value": 1}]}, "then[0].action"),
        ({"then": [{"action": "set_team", "value": 999}]}, "then[0].value"),
        ({"name": "  "}, "name"),
    ],
)
def test_a_body_that_is_no_rule_is_refused_saying_where(call, admin_zofia, change, detail):
    response = call(admin_zofia, "post", URL, {**STALE, **change})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)
    assert not Rule.objects.exists()


def test_call_webhook_names_an_existing_webhook(call, admin_zofia, settings):
    from klient.webhooks.actions import create_endpoint

    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    endpoint, _ = create_endpoint("http://127.0.0.1:9/k", ["conversation.created"])
    missing = call(
        admin_zofia, "post", URL, {**STALE, "then": [{"action": "call_webhook", "value": 999}]}
    )
    made = call(
        admin_zofia,
        "post",
        URL,
        {**STALE, "then": [{"action": "call_webhook", "value": endpoint.pk}]},
    )

    assert missing.status_code == 422
    assert missing.json()["detail"] == "then[0].value: call_webhook: there is no webhook #999."
    assert made.status_code == 201, made.content


def test_a_patch_that_breaks_the_rule_changes_nothing(call, admin_zofia):
    rule = call(admin_zofia, "post", URL, STALE).json()
    response = call(admin_zofia, "patch", f"{URL}/{rule['id']}", {"if": [{"field": "x"}]})
    assert response.status_code == 422
    assert call(admin_zofia, "get", f"{URL}/{rule['id']}").json() == rule


def test_agents_who_are_not_administrators_cannot_see_rules(call, admin_zofia, agent_anna):
    rule = call(admin_zofia, "post", URL, STALE).json()
    assert call(agent_anna, "get", URL).status_code == 403
    assert call(agent_anna, "post", URL, STALE).status_code == 403
    assert call(agent_anna, "get", f"{URL}/{rule['id']}").status_code == 404
    assert call(agent_anna, "patch", f"{URL}/{rule['id']}", {"active": False}).status_code == 404
    assert call(agent_anna, "delete", f"{URL}/{rule['id']}").status_code == 404
    assert call(agent_anna, "post", f"{URL}/{rule['id']}/preview").status_code == 404
    assert Rule.objects.get().active


def test_the_preview_lists_what_the_rule_would_touch_now_and_changes_nothing(
    call, admin_zofia, agent_anna, support_team, receive
):
    old = timezone.now() - timedelta(days=10)
    waiting = []
    for number in range(3):
        conversation = receive(support_team, f"c{number}@shop.example", "Q", "Hello?").conversation
        with freeze_time(old):
            update_conversation(conversation, actor=agent_anna, status="pending")
        waiting.append(conversation)
    set_tags(waiting[2], actor=agent_anna, add=["vip"])
    fresh = receive(support_team, "new@shop.example", "Q", "Hi").conversation
    update_conversation(fresh, actor=agent_anna, status="pending")  # pending since now

    body = {
        **STALE,
        "when": {"after": {"minutes": 60, "since": "status:pending"}},
        "if": [{"field": "tags", "op": "not_contains", "value": "vip"}],
    }
    rule = call(admin_zofia, "post", URL, body).json()
    preview = call(admin_zofia, "post", f"{URL}/{rule['id']}/preview")
    assert preview.status_code == 200
    assert preview.json() == {"count": 2, "refs": [waiting[0].reference, waiting[1].reference]}
    assert not any(c.tags.exists() for c in waiting[:2])

    event_rule = call(admin_zofia, "post", URL, {**body, "when": {"event": "status.changed"}})
    refs = call(admin_zofia, "post", f"{URL}/{event_rule.json()['id']}/preview").json()["refs"]
    assert refs == [waiting[0].reference, waiting[1].reference, fresh.reference]


def test_conversations_list_their_tags(call, agent_anna, support_team, receive):
    conversation = receive(support_team, "c@shop.example", "Q", "Hello?").conversation
    set_tags(conversation, actor=agent_anna, add=["Refund", "vip"])
    [item] = call(agent_anna, "get", "/api/v1/conversations").json()["items"]
    assert item["tags"] == ["refund", "vip"]
    detail = call(agent_anna, "get", f"/api/v1/conversations/{conversation.reference}").json()
    assert detail["tags"] == ["refund", "vip"]


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "when.after.minutes: a whole number of minutes, 1 to 527040."),
        ("fr", "when.after.minutes : un nombre entier de minutes, de 1 à 527040."),
        ("pl", "when.after.minutes: liczba całkowita minut, od 1 do 527040."),
        ("de", "when.after.minutes: eine ganze Zahl von Minuten, 1 bis 527040."),
        ("uk", "when.after.minutes: ціла кількість хвилин, від 1 до 527040."),
    ],
)
def test_the_refusal_is_worded_in_the_readers_language(client, admin_zofia, language, detail):
    body = {**STALE, "when": {"after": {"minutes": 0, "since": "status:pending"}}}
    response = client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin_zofia.api_token}", "Accept-Language": language},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == detail


def test_an_action_value_is_refused_in_the_readers_language(client, admin_zofia):
    body = {**STALE, "then": [{"action": "call_webhook", "value": 999}]}
    response = client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {admin_zofia.api_token}", "Accept-Language": "de"},
    )
    assert (
        response.json()["detail"] == "then[0].value: call_webhook: es gibt keinen Webhook Nr. 999."
    )
