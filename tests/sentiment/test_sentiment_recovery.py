"""Every inbound customer message is analysed on its new text and stored; an at-risk one
opens one recovery task for the manager (never two while one is open, never again on a
retry), so does an angry answer after a broken promise or a missed deadline, and a bad
satisfaction rating. Recovery tasks are listed and closed with an outcome (API and page)."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from klient.conversations.actions import update_conversation
from klient.core.events import append
from klient.notifications.models import Notification
from klient.sentiment.models import MessageSentiment, RecoveryTask
from klient.sla.events import Kind as SlaKind
from support import worker_runs


@pytest.fixture
def call(client):
    def _call(user, method, url, body=None):
        headers = {"Authorization": f"Bearer {user.api_token}"}
        if body is None:
            return getattr(client, method)(url, headers=headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return _call


@pytest.fixture
def lead_zofia(support_team, admin_zofia):
    """Zofia leads Support: the manager who wins customers back."""
    from klient.people.admin_actions import update_team

    update_team(support_team, actor=admin_zofia, lead=admin_zofia)
    return admin_zofia


def customer_writes(receive, team, body, *, conversation=None, **fields):
    message = receive(team, "luc@client.fr", "Facture", body, conversation=conversation, **fields)
    worker_runs()
    return message


def test_an_inbound_message_is_analysed_on_its_new_text_in_its_language(
    support_team, receive, call, agent_anna
):
    message = customer_writes(
        receive,
        support_team,
        "Merci beaucoup, c'est parfait !\n\n> Le 3 mars, vous avez écrit : je résilie tout",
        new_text="Merci beaucoup, c'est parfait !",
        language="fr",
    )

    stored = MessageSentiment.objects.get(message=message)
    assert (stored.label, stored.at_risk, stored.language) == ("positive", False, "fr")
    assert not RecoveryTask.objects.exists()
    ref = message.conversation.reference
    body = call(agent_anna, "get", f"/api/v1/conversations/{ref}").json()
    [inbound] = [m for m in body["messages"] if m["kind"] == "inbound"]
    assert inbound["sentiment"]["label"] == "positive"
    assert set(inbound["sentiment"]) == {"label", "score", "at_risk", "reasons"}


def test_an_at_risk_message_opens_one_task_for_the_lead_and_tells_her(
    support_team, receive, lead_zofia
):
    first = customer_writes(
        receive, support_team, "C'est la troisième fois que j'écris. Je résilie.", language="fr"
    )
    customer_writes(
        receive,
        support_team,
        "Toujours pas de réponse, je passe chez un concurrent.",
        conversation=first.conversation,
        language="fr",
    )

    [task] = RecoveryTask.objects.all()
    assert task.assignee == lead_zofia
    assert task.state == "open"
    assert task.source_message == first
    assert {"repeated", "leaving"} <= {reason["kind"] for reason in task.reasons}
    assert task.due_at > task.opened_at
    assert (
        Notification.objects.filter(recipient=lead_zofia, kind="sentiment.recovery_task").count()
        == 1
    )
    kinds = list(first.conversation.events.values_list("kind", flat=True))
    assert kinds.count("recovery_task.opened") == 1
    assert kinds.count("sentiment.analysed") == 2


def test_a_retried_handler_opens_nothing_new(support_team, receive, lead_zofia):
    from klient.sentiment.intake import analyse_for_events

    message = customer_writes(receive, support_team, "I want to close my account.", language="en")
    events = list(
        message.conversation.events.filter(kind="message.received").values_list("pk", flat=True)
    )
    MessageSentiment.objects.filter(message=message).delete()  # as if the first run was lost

    analyse_for_events(events)

    assert RecoveryTask.objects.count() == 1
    assert MessageSentiment.objects.filter(message=message).count() == 1


def test_an_angry_answer_after_a_missed_deadline_is_at_risk(support_team, receive, lead_zofia):
    first = customer_writes(receive, support_team, "Where is my refund?", language="en")
    with transaction.atomic():
        append(SlaKind.BREACHED, conversation=first.conversation, actor_label="system")

    angry = customer_writes(
        receive,
        support_team,
        "This is unacceptable, I am really disappointed.",
        conversation=first.conversation,
        language="en",
    )

    assert MessageSentiment.objects.get(message=angry).at_risk
    [task] = RecoveryTask.objects.all()
    assert [r["kind"] for r in task.reasons] == ["after_breach"]


def test_a_calm_answer_after_a_missed_deadline_is_not(support_team, receive, lead_zofia):
    first = customer_writes(receive, support_team, "Where is my refund?", language="en")
    with transaction.atomic():
        append(SlaKind.BREACHED, conversation=first.conversation, actor_label="system")

    customer_writes(
        receive,
        support_team,
        "Could you tell me when?",
        conversation=first.conversation,
        language="en",
    )

    assert not RecoveryTask.objects.exists()


def test_a_bad_satisfaction_rating_opens_a_recovery_task(
    support_team, receive, lead_zofia, agent_anna, smtp_sink
):
    from klient.surveys.actions import answer, update_settings
    from klient.surveys.models import Survey

    update_settings(
        support_team,
        actor=lead_zofia,
        enabled=True,
        delay_minutes=0,
        scale="good_bad",
        ask_comment=False,
    )
    message = customer_writes(receive, support_team, "Bonjour, une question.", language="fr")
    update_conversation(message.conversation, actor=agent_anna, status="solved")
    worker_runs()
    survey = Survey.objects.get(conversation=message.conversation)

    answer(survey, rating="bad")
    worker_runs()

    [task] = RecoveryTask.objects.all()
    assert task.reasons[0]["kind"] == "bad_rating"
    assert task.assignee == lead_zofia


def test_recovery_tasks_are_listed_and_closed_with_an_outcome(
    support_team, receive, lead_zofia, agent_anna, agent_bruno, call
):
    message = customer_writes(receive, support_team, "Ich kündige den Vertrag.", language="de")
    [task] = RecoveryTask.objects.all()

    listed = call(agent_anna, "get", "/api/v1/recovery-tasks").json()["items"]
    assert listed == [
        {
            "id": task.pk,
            "conversation": message.conversation.reference,
            "reasons": task.reasons,
            "due_at": listed[0]["due_at"],
            "assignee": {"id": lead_zofia.pk, "name": "Zofia Admin", "email": "zofia@shop.example"},
            "state": "open",
        }
    ]
    assert call(agent_bruno, "get", "/api/v1/recovery-tasks?state=all").json()["items"] == []
    assert (
        call(
            agent_bruno, "post", f"/api/v1/recovery-tasks/{task.pk}/close", {"outcome": "x"}
        ).status_code
        == 404
    )
    assert (
        call(
            agent_anna, "post", f"/api/v1/recovery-tasks/{task.pk}/close", {"outcome": " "}
        ).status_code
        == 422
    )

    closed = call(
        lead_zofia,
        "post",
        f"/api/v1/recovery-tasks/{task.pk}/close",
        {"outcome": "Called her, she stays."},
    )

    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert (
        call(agent_anna, "get", "/api/v1/recovery-tasks?state=closed").json()["items"][0]["id"]
        == task.pk
    )
    assert call(agent_anna, "get", "/api/v1/recovery-tasks").json()["items"] == []
    again = call(
        lead_zofia, "post", f"/api/v1/recovery-tasks/{task.pk}/close", {"outcome": "again"}
    )
    assert again.status_code == 422
    assert "recovery_task.closed" in message.conversation.events.values_list("kind", flat=True)


def test_once_closed_a_new_at_risk_message_opens_a_new_task(support_team, receive, lead_zofia):
    from klient.sentiment.actions import close_recovery_task

    first = customer_writes(receive, support_team, "Je résilie mon abonnement.", language="fr")
    close_recovery_task(RecoveryTask.objects.get(), outcome="Reste cliente", actor=lead_zofia)

    customer_writes(
        receive,
        support_team,
        "Encore la même erreur, j'en ai marre.",
        conversation=first.conversation,
        language="fr",
    )

    assert RecoveryTask.objects.filter(state="open").count() == 1
    assert RecoveryTask.objects.count() == 2


def test_the_insights_endpoint_answers_exactly_the_contract(call, agent_anna):
    response = call(
        agent_anna,
        "post",
        "/api/v1/insights/sentiment",
        {"text": "Nadal nie dostarczone, mam dość."},
    )

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"label", "score", "at_risk", "reasons"}
    assert body["label"] == "negative" and body["at_risk"]
    assert {"kind": "repeated", "quote": "Nadal nie"}.items() <= body["reasons"][0].items()
    assert (
        call(
            agent_anna, "post", "/api/v1/insights/sentiment", {"text": "x", "language": "es"}
        ).status_code
        == 422
    )


def test_the_page_lists_tasks_and_closes_one_with_htmx(client, support_team, receive, lead_zofia):
    message = customer_writes(
        receive, support_team, "I will never order from you again.", language="en"
    )
    task = RecoveryTask.objects.get()
    client.force_login(lead_zofia)

    page = client.get("/recovery-tasks/")
    assert page.status_code == 200
    assert message.conversation.reference in page.content.decode()
    assert "never order from you again" in page.content.decode()

    fragment = client.post(
        f"/recovery-tasks/{task.pk}/close/",
        {"outcome": "Voucher sent"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "Voucher sent" in fragment.content.decode()
    task.refresh_from_db()
    assert task.state == "closed"

    conversation_page = client.get(f"/c/{message.conversation.reference}/").content.decode()
    assert "sentiment-negative" in conversation_page
    assert "says they are leaving: “never order from you again”" in conversation_page
