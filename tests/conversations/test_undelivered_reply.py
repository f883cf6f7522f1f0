"""A reply the relay refused for good, or that bounced, never reached the customer: the
conversation is back in "waiting on us", waiting since the customer's own message (not
since the failed reply), a status set aside with it (solved, closed, pending, on hold) is
open again, one line is logged; a resend that is delivered answers the customer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from klient.conversations.actions import (
    acknowledge,
    record_delivery_outcome,
    reply,
    resend,
    update_conversation,
)
from klient.conversations.models import Conversation, Delivery
from klient.workspace.inbox import VIEWS
from support import run_worker

ASKED = datetime(2026, 6, 1, 8, tzinfo=UTC)
REFUSAL = "550 5.1.1 <luc@client.fr>: Recipient address rejected: User unknown"


@pytest.fixture
def clock():
    with freeze_time(ASKED) as factory:
        yield factory


@pytest.fixture
def luc(support_team, receive, clock):
    """Luc's question, received at 8:00."""
    return receive(support_team, "luc@client.fr", "Coupure", "Le courant a sauté.").conversation


def fail(message, outcome="failed", error=REFUSAL):
    message.delivery.refresh_from_db()
    if outcome == "bounced":
        record_delivery_outcome(message.delivery, outcome="sent")
    record_delivery_outcome(message.delivery, outcome=outcome, error=error)


def fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def waiting_on_us(conversation) -> bool:
    rows = VIEWS["waiting"].narrow(Conversation.objects.all(), None, datetime.now(UTC))
    return rows.filter(pk=conversation.pk).exists()


@pytest.mark.parametrize("outcome", ["failed", "bounced"])
def test_the_customer_waits_again_since_their_own_message(outcome, luc, agent_anna, clock):
    clock.move_to(ASKED + timedelta(minutes=30))
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    assert fresh(luc).waiting_since is None
    clock.move_to(ASKED + timedelta(minutes=31))

    fail(answer, outcome)

    conversation = fresh(luc)
    assert conversation.waiting_since == ASKED
    assert waiting_on_us(conversation)


def test_the_page_says_how_long_since_the_customer_wrote(luc, agent_anna, clock):
    clock.move_to(ASKED + timedelta(minutes=30))
    fail(reply(luc, actor=agent_anna, body="Nous regardons."))
    clock.move_to(ASKED + timedelta(hours=2))
    client = Client()
    client.force_login(agent_anna)

    page = client.get(reverse("workspace:conversation", args=[luc.reference])).content.decode()
    inbox = client.get(reverse("workspace:inbox") + "?view=waiting").content.decode()

    assert "Unanswered for 2\xa0hours" in page
    assert luc.reference in inbox and "2\xa0hours" in inbox
    assert "1\xa0hour, 30\xa0minutes" not in page + inbox


def test_the_oldest_unanswered_message_counts_and_a_later_one_does_not_restart_the_wait(
    luc, support_team, agent_anna, receive, clock
):
    clock.move_to(ASKED + timedelta(minutes=10))
    receive(support_team, "luc@client.fr", "Coupure", "Toujours rien.", conversation=luc)
    clock.move_to(ASKED + timedelta(minutes=30))
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    clock.move_to(ASKED + timedelta(minutes=40))
    receive(support_team, "luc@client.fr", "Coupure", "Vous êtes là ?", conversation=luc)
    assert fresh(luc).waiting_since == ASKED + timedelta(minutes=40)

    fail(answer, "bounced")

    assert fresh(luc).waiting_since == ASKED


def test_a_follow_up_that_fails_after_a_delivered_answer_waits_since_the_last_message(
    luc, support_team, agent_anna, receive, clock
):
    clock.move_to(ASKED + timedelta(minutes=5))
    first = reply(luc, actor=agent_anna, body="Nous regardons.")
    record_delivery_outcome(first.delivery, outcome="sent")
    clock.move_to(ASKED + timedelta(minutes=20))
    receive(support_team, "luc@client.fr", "Coupure", "Merci !", conversation=luc)
    clock.move_to(ASKED + timedelta(minutes=25))
    second = reply(luc, actor=agent_anna, body="C'est réparé.")

    fail(second)

    assert fresh(luc).waiting_since == ASKED + timedelta(minutes=20)


@pytest.mark.parametrize("status", ["solved", "closed", "pending", "on_hold"])
def test_a_status_set_aside_with_the_reply_is_open_again(status, luc, agent_anna, clock):
    answer = reply(luc, actor=agent_anna, body="C'est réparé.", status=status)
    assert fresh(luc).status == status

    fail(answer)

    conversation = fresh(luc)
    assert conversation.status == Conversation.Status.OPEN
    assert waiting_on_us(conversation)
    reopened = conversation.events.filter(kind="status.changed").order_by("at", "id").last()
    assert reopened.data == {
        "field": "status",
        "from": status,
        "to": "open",
        "reason": "reply not delivered",
    }
    assert (reopened.actor, reopened.actor_label) == (None, "system")


def test_a_solve_made_after_the_reply_is_undone_too(luc, agent_anna, clock):
    answer = reply(luc, actor=agent_anna, body="C'est réparé.")
    update_conversation(luc, actor=agent_anna, status="solved")

    fail(answer)

    assert fresh(luc).status == Conversation.Status.OPEN


def test_an_acknowledgement_that_fails_changes_nothing_but_its_delivery(luc, agent_anna, clock):
    update_conversation(luc, actor=agent_anna, status="pending")
    ack = acknowledge(luc, body="Nous avons bien reçu votre message.")
    before = fresh(luc)

    fail(ack)

    after = fresh(luc)
    assert (after.status, after.waiting_since) == (before.status, before.waiting_since)
    assert Delivery.objects.get(message=ack).state == Delivery.State.FAILED


def test_one_line_is_logged_per_failure_with_the_message_id_reference_and_reason(
    luc, agent_anna, clock, caplog, django_capture_on_commit_callbacks
):
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    caplog.set_level(logging.INFO)

    with django_capture_on_commit_callbacks(execute=True):
        fail(answer, error="550 5.1.1 no such user\r\n550 see you")

    lines = [r for r in caplog.records if r.name.startswith("klient.conversations")]
    [line] = lines
    text = line.getMessage()
    assert line.levelno == logging.WARNING
    assert answer.message_id in text and luc.reference in text
    assert text.endswith("550 5.1.1 no such user 550 see you")
    assert "\n" not in text


def test_a_resent_reply_that_is_delivered_answers_the_customer(luc, agent_anna, clock):
    answer = reply(luc, actor=agent_anna, body="Nous regardons.", status="solved")
    fail(answer)
    clock.move_to(ASKED + timedelta(minutes=5))

    resend(answer, actor=agent_anna)
    assert fresh(luc).waiting_since == ASKED  # still waiting while it is queued
    answer.delivery.refresh_from_db()
    record_delivery_outcome(answer.delivery, outcome="sent")

    conversation = fresh(luc)
    assert conversation.waiting_since is None
    assert conversation.status == Conversation.Status.OPEN  # solve it again once delivered


def test_a_customer_who_wrote_after_the_failed_reply_still_waits_after_the_resend(
    luc, support_team, agent_anna, receive, clock
):
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    fail(answer)
    clock.move_to(ASKED + timedelta(minutes=15))
    receive(support_team, "luc@client.fr", "Coupure", "Allô ?", conversation=luc)

    resend(answer, actor=agent_anna)
    answer.delivery.refresh_from_db()
    record_delivery_outcome(answer.delivery, outcome="sent")

    assert fresh(luc).waiting_since == ASKED + timedelta(minutes=15)


def test_a_late_bounce_of_the_first_send_leaves_the_resend_alone(luc, agent_anna, clock):
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    fail(answer, "bounced")
    resend(answer, actor=agent_anna)

    fail_again = Delivery.objects.get(message=answer)
    record_delivery_outcome(fail_again, outcome="bounced", error="550 late")

    delivery = Delivery.objects.get(message=answer)
    assert (delivery.state, delivery.last_error) == (Delivery.State.PENDING, "")
    assert luc.events.filter(kind="delivery.bounced").count() == 1


def test_the_resend_goes_out_through_the_worker(luc, agent_anna, smtp_sink, clock):
    smtp_sink.answer_next(REFUSAL)
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    run_worker()
    assert Delivery.objects.get(message=answer).state == Delivery.State.FAILED

    resend(answer, actor=agent_anna)
    run_worker()

    assert Delivery.objects.get(message=answer).state == Delivery.State.SENT
    [resent] = [m for m in smtp_sink.parsed() if m["To"] == "luc@client.fr"]
    assert resent["Message-ID"] == answer.message_id
