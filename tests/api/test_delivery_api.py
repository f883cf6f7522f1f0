"""Deliveries in the API: every outbound message says what became of it (queued, sending,
sent, failed, bounced, with the attempts, the relay's reason and when it changed), and
POST /messages/{id}/resend sends a reply that was not delivered again, once, with the same
Message-ID. Through the real paths: the API, the worker's dispatch, an SMTP relay on a free
port, a bounce accepted like the SMTP listener's."""

from __future__ import annotations

from datetime import datetime

import pytest

from klient.conversations.models import Delivery, Message
from klient.core.models import Event
from klient.mail.actions import accept_raw, process_batch
from support import bounce_report
from support import run_worker as work

REFUSAL = "550 5.1.1 <luc@client.fr>: Recipient address rejected: User unknown"


def reply_to(call, agent, conversation, body="Nous revenons vers vous.", **fields):
    response = call(
        agent, "post", f"/api/v1/conversations/{conversation.reference}/replies",
        {"body": body, **fields},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


def message_in(call, agent, conversation, message_id):
    response = call(agent, "get", f"/api/v1/conversations/{conversation.reference}")
    assert response.status_code == 200
    return next(m for m in response.json()["messages"] if m["id"] == message_id)


def resend(call, agent, message_id):
    return call(agent, "post", f"/api/v1/messages/{message_id}/resend", {})


def bounce(message: Message) -> None:
    """The customer's mail server sends the delivered reply back (a DSN to the team)."""
    raw = bounce_report(message.message_id, message.to[0], message.from_address, REFUSAL)
    accepted, _ = accept_raw(raw, source="smtp", envelope_to=[message.from_address])
    process_batch([accepted.pk])
    work()


def test_a_reply_just_sent_is_queued_with_no_attempt_and_no_error(call, agent_anna, luc_power_cut):
    body = reply_to(call, agent_anna, luc_power_cut)

    delivery = body["delivery"]
    assert delivery["state"] == "queued"
    assert (delivery["attempts"], delivery["error"]) == (0, None)
    assert datetime.fromisoformat(delivery["updated_at"])
    # The fields the API had before are still there.
    assert (delivery["channel"], delivery["last_error"], delivery["sent_at"]) == ("email", "", None)


def test_a_delivered_reply_is_sent_after_one_attempt(call, agent_anna, luc_power_cut, smtp_sink):
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()

    delivery = message_in(call, agent_anna, luc_power_cut, queued["id"])["delivery"]
    assert (delivery["state"], delivery["attempts"], delivery["error"]) == ("sent", 1, None)
    assert delivery["updated_at"] == delivery["sent_at"]
    assert delivery["updated_at"] > queued["delivery"]["updated_at"]


def test_a_refused_reply_is_failed_with_the_relays_reason(
    call, agent_anna, luc_power_cut, smtp_sink
):
    smtp_sink.answer_next(REFUSAL)
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()

    delivery = message_in(call, agent_anna, luc_power_cut, queued["id"])["delivery"]
    assert (delivery["state"], delivery["attempts"]) == ("failed", 1)
    assert delivery["error"] == REFUSAL
    assert delivery["last_error"] == REFUSAL
    assert delivery["sent_at"] is None


def test_a_reply_returned_by_the_customers_server_is_bounced_with_its_diagnostic(
    call, agent_anna, luc_power_cut, smtp_sink
):
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()
    bounce(Message.objects.get(pk=queued["id"]))

    delivery = message_in(call, agent_anna, luc_power_cut, queued["id"])["delivery"]
    assert delivery["state"] == "bounced"
    assert "550 5.1.1" in delivery["error"] and "User unknown" in delivery["error"]
    assert delivery["updated_at"] > delivery["sent_at"]


def test_a_delivery_being_sent_is_shown_as_sending(call, agent_anna, luc_power_cut):
    queued = reply_to(call, agent_anna, luc_power_cut)
    Delivery.objects.filter(message_id=queued["id"]).update(state=Delivery.State.SENDING)

    delivery = message_in(call, agent_anna, luc_power_cut, queued["id"])["delivery"]
    assert delivery["state"] == "sending"


def test_a_refused_reply_resent_reaches_the_customer_with_the_same_message_id(
    call, agent_anna, luc_power_cut, smtp_sink
):
    smtp_sink.answer_next(REFUSAL)
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()
    [refused] = smtp_sink.parsed_refused()

    response = resend(call, agent_anna, queued["id"])

    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["message_id"]) == (queued["id"], queued["message_id"])
    assert body["delivery"]["state"] == "queued"
    assert (body["delivery"]["attempts"], body["delivery"]["error"]) == (0, None)
    work()
    replies = [m for m in smtp_sink.parsed() if m["To"] == "luc@client.fr"]
    [resent] = replies
    assert resent["Message-ID"] == refused["Message-ID"] == queued["message_id"]
    assert resent["Date"] == refused["Date"]
    delivery = message_in(call, agent_anna, luc_power_cut, queued["id"])["delivery"]
    assert (delivery["state"], delivery["attempts"], delivery["error"]) == ("sent", 1, None)


def test_a_bounced_reply_can_be_resent(call, agent_anna, luc_power_cut, smtp_sink):
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()
    bounce(Message.objects.get(pk=queued["id"]))

    assert resend(call, agent_anna, queued["id"]).status_code == 202
    work()
    sent = [m["Message-ID"] for m in smtp_sink.parsed() if m["To"] == "luc@client.fr"]
    assert sent == [queued["message_id"], queued["message_id"]]


def test_the_resend_is_in_the_audit_log_with_what_it_replaced(
    call, agent_anna, luc_power_cut, smtp_sink
):
    smtp_sink.answer_next(REFUSAL)
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()

    resend(call, agent_anna, queued["id"])
    work()

    kinds = list(
        luc_power_cut.events.filter(kind__startswith="delivery.")
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["delivery.failed", "delivery.resend_requested", "delivery.sent"]
    requested = Event.objects.get(kind="delivery.resend_requested")
    assert requested.actor == agent_anna
    assert requested.data == {
        "message": queued["id"],
        "delivery": Delivery.objects.get(message_id=queued["id"]).pk,
        "previous_state": "failed",
        "previous_error": REFUSAL,
        "attempts": 1,
    }
    failed = Event.objects.get(kind="delivery.failed")
    assert failed.data["error"] == REFUSAL


@pytest.mark.parametrize("state", ["queued", "sending", "sent"])
def test_only_a_failed_or_bounced_delivery_is_resent(
    state, call, agent_anna, luc_power_cut, smtp_sink
):
    queued = reply_to(call, agent_anna, luc_power_cut)
    if state == "sending":
        Delivery.objects.filter(message_id=queued["id"]).update(state=Delivery.State.SENDING)
    if state == "sent":
        work()
    before = Delivery.objects.get(message_id=queued["id"])

    response = resend(call, agent_anna, queued["id"])

    assert response.status_code == 409
    assert state in response.json()["detail"]
    after = Delivery.objects.get(message_id=queued["id"])
    assert (after.state, after.attempts, after.updated_at) == (
        before.state,
        before.attempts,
        before.updated_at,
    )
    assert not Event.objects.filter(kind="delivery.resend_requested").exists()


def test_a_second_resend_while_the_first_is_queued_changes_nothing(
    call, agent_anna, luc_power_cut, smtp_sink
):
    smtp_sink.answer_next(REFUSAL)
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()
    assert resend(call, agent_anna, queued["id"]).status_code == 202

    second = resend(call, agent_anna, queued["id"])

    assert second.status_code == 409
    assert "queued" in second.json()["detail"]
    assert Event.objects.filter(kind="delivery.resend_requested").count() == 1
    work()
    assert [m["To"] for m in smtp_sink.parsed()].count("luc@client.fr") == 1


def test_a_message_without_a_delivery_is_not_resent(call, agent_anna, luc_power_cut):
    question = luc_power_cut.messages.get(kind="inbound")

    response = resend(call, agent_anna, question.pk)

    assert response.status_code == 409
    assert "no delivery" in response.json()["detail"]


def test_another_teams_message_is_a_404_and_stays_failed(
    call, agent_anna, agent_bruno, luc_power_cut, smtp_sink
):
    smtp_sink.answer_next(REFUSAL)
    queued = reply_to(call, agent_anna, luc_power_cut)
    work()

    response = resend(call, agent_bruno, queued["id"])

    assert response.status_code == 404
    assert response.json()["detail"]
    assert Delivery.objects.get(message_id=queued["id"]).state == Delivery.State.FAILED
    assert resend(call, agent_bruno, 999_999).json() == response.json()
