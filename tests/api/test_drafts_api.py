"""GET/PUT/DELETE /api/v1/conversations/{ref}/draft and POST /api/v1/messages/{id}/undo: an
agent's own draft reply per conversation, and taking a reply back while it waits out
KLIENT_UNDO_SEND_SECONDS (then 409). Nothing reaches the SMTP relay of an undone reply,
even when the worker runs after its window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from klient.conversations.models import Delivery, Message
from support import worker_runs

HOLD = 10


@pytest.fixture
def undo_window(settings):
    settings.KLIENT_UNDO_SEND_SECONDS = HOLD


@pytest.fixture
def colleague(support_team):
    """Anna's teammate in Support: sees her conversations, never her drafts."""
    from klient.people.actions import create_agent

    user, token = create_agent("marek@shop.example", name="Marek", teams=[support_team])
    user.api_token = token
    return user


def draft_url(conversation) -> str:
    return f"/api/v1/conversations/{conversation.reference}/draft"


# --- drafts -------------------------------------------------------------------------


def test_a_draft_is_saved_read_and_discarded(call, agent_anna, luc_power_cut):
    url = draft_url(luc_power_cut)
    assert call(agent_anna, "get", url).status_code == 404

    saved = call(agent_anna, "put", url, {"body": "Bonjour Luc,\n\nnous ", "attachments": [7]})

    assert saved.status_code == 200
    draft = saved.json()
    assert draft["conversation"] == luc_power_cut.reference
    assert (draft["body"], draft["attachments"]) == ("Bonjour Luc,\n\nnous ", [7])
    assert draft["updated_at"]
    assert call(agent_anna, "get", url).json() == draft
    assert call(agent_anna, "delete", url).status_code == 204
    assert call(agent_anna, "get", url).status_code == 404
    assert call(agent_anna, "delete", url).status_code == 404


def test_saving_a_draft_replaces_it_and_is_not_an_event(call, agent_anna, luc_power_cut):
    url = draft_url(luc_power_cut)
    events_before = luc_power_cut.events.count()

    call(agent_anna, "put", url, {"body": "Bon"})
    second = call(agent_anna, "put", url, {"body": "Bonjour"})

    assert second.json()["body"] == "Bonjour"
    assert second.json()["attachments"] == []
    assert luc_power_cut.events.count() == events_before


def test_another_agents_draft_is_invisible(call, agent_anna, colleague, luc_power_cut):
    url = draft_url(luc_power_cut)
    call(agent_anna, "put", url, {"body": "Anna's words"})

    assert call(colleague, "get", url).status_code == 404
    assert call(colleague, "delete", url).status_code == 404
    call(colleague, "put", url, {"body": "Marek's words"})
    assert call(agent_anna, "get", url).json()["body"] == "Anna's words"
    assert call(colleague, "get", url).json()["body"] == "Marek's words"


def test_a_conversation_outside_the_scope_has_no_draft_to_read_or_write(
    call, agent_anna, agent_bruno, luc_power_cut
):
    url = draft_url(luc_power_cut)
    call(agent_anna, "put", url, {"body": "Anna's words"})

    for method, body in (("get", None), ("put", {"body": "Bruno's"}), ("delete", None)):
        response = call(agent_bruno, method, url, body)
        assert response.status_code == 404, method
        assert response.json()["detail"]
    assert call(agent_anna, "get", url).json()["body"] == "Anna's words"


@pytest.mark.parametrize(
    "body",
    [{"body": "x", "attachments": ["photo.png"]}, {"body": "x", "attachments": [0]}, {}],
)
def test_a_draft_that_does_not_parse_is_refused(call, agent_anna, luc_power_cut, body):
    response = call(agent_anna, "put", draft_url(luc_power_cut), body)

    assert response.status_code == 422
    assert call(agent_anna, "get", draft_url(luc_power_cut)).status_code == 404


def test_a_sent_reply_deletes_its_authors_draft_only(call, agent_anna, colleague, luc_power_cut):
    url = draft_url(luc_power_cut)
    call(agent_anna, "put", url, {"body": "Réponse"})
    call(colleague, "put", url, {"body": "Autre chose"})

    sent = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/replies",
        {"body": "Réponse"},
    )

    assert sent.status_code == 201
    assert call(agent_anna, "get", url).status_code == 404
    assert call(colleague, "get", url).status_code == 200


# --- undo send ------------------------------------------------------------------------


def send(call, agent, conversation, body="On s'en occupe."):
    response = call(
        agent, "post", f"/api/v1/conversations/{conversation.reference}/replies", {"body": body}
    )
    assert response.status_code == 201
    return response.json()


def test_undo_within_the_window_makes_the_reply_a_draft_again_and_sends_nothing(
    undo_window, call, agent_anna, luc_power_cut, smtp_sink
):
    answer = send(call, agent_anna, luc_power_cut, "Le technicien passe demain.")
    worker_runs()  # woken by the reply: nothing is due yet

    with freeze_time(Message.objects.get(pk=answer["id"]).created_at + timedelta(seconds=5)):
        undone = call(agent_anna, "post", f"/api/v1/messages/{answer['id']}/undo")
    worker_runs(at=luc_power_cut.created_at + timedelta(minutes=10))

    assert undone.status_code == 200
    assert undone.json()["body"] == "Le technicien passe demain."
    assert undone.json()["conversation"] == luc_power_cut.reference
    assert smtp_sink.messages == []
    detail = call(agent_anna, "get", f"/api/v1/conversations/{luc_power_cut.reference}").json()
    assert answer["id"] not in [m["id"] for m in detail["messages"]]
    assert "message.undone" in [e["kind"] for e in detail["events"]]
    assert detail["waiting_since"] is not None
    draft = call(agent_anna, "get", draft_url(luc_power_cut)).json()
    assert draft["body"] == "Le technicien passe demain."


def test_undo_after_the_window_is_a_409(undo_window, call, agent_anna, luc_power_cut, smtp_sink):
    answer = send(call, agent_anna, luc_power_cut)
    sent_at = Message.objects.get(pk=answer["id"]).created_at

    with freeze_time(sent_at + timedelta(seconds=HOLD + 1)):
        late = call(agent_anna, "post", f"/api/v1/messages/{answer['id']}/undo")

    assert late.status_code == 409
    assert "Too late" in late.json()["detail"]
    assert Delivery.objects.get(message_id=answer["id"]).state == Delivery.State.PENDING
    worker_runs(at=sent_at + timedelta(seconds=HOLD + 1))
    assert len(smtp_sink.wait_for(1)) == 1
    assert call(agent_anna, "post", f"/api/v1/messages/{answer['id']}/undo").status_code == 409


def test_only_the_author_may_undo_and_others_get_a_404(
    undo_window, call, agent_anna, colleague, agent_bruno, luc_power_cut
):
    answer = send(call, agent_anna, luc_power_cut)
    url = f"/api/v1/messages/{answer['id']}/undo"

    assert call(colleague, "post", url).status_code == 404
    assert call(agent_bruno, "post", url).status_code == 404
    assert call(agent_anna, "post", "/api/v1/messages/999999/undo").status_code == 404
    assert Message.objects.filter(pk=answer["id"]).exists()
    assert call(agent_anna, "post", url).status_code == 200


def test_with_the_window_at_zero_the_reply_is_handed_over_at_once(
    settings, call, agent_anna, luc_power_cut, smtp_sink
):
    settings.KLIENT_UNDO_SEND_SECONDS = 0
    answer = send(call, agent_anna, luc_power_cut, "Tout de suite.")

    worker_runs()

    [email] = smtp_sink.wait_for(1)
    assert email["Message-ID"] == answer["message_id"]
    assert call(agent_anna, "post", f"/api/v1/messages/{answer['id']}/undo").status_code == 409
