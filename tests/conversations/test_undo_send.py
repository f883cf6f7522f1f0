"""Undo send: an agent's reply waits KLIENT_UNDO_SEND_SECONDS before it is handed to its
channel; nothing is sent meanwhile, whatever the worker does, and its author may take it
back: it becomes their draft again, and the customer is still waiting. Replayed with the
real worker (its sweeps and dispatch) and an SMTP relay on a free port; the moments the
worker runs are set with freezegun."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from klient.conversations import drafts, search
from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Delivery, Draft, Message
from support import worker_runs

HOLD = 10


@pytest.fixture
def undo_window(settings):
    settings.KLIENT_UNDO_SEND_SECONDS = HOLD


@pytest.fixture
def question(support_team, receive):
    return receive(support_team, "luc@client.fr", "Coupure", "Le courant a encore sauté.")


def test_a_held_reply_is_sent_only_once_its_window_is_over(
    undo_window, question, agent_anna, smtp_sink
):
    answer = reply(question.conversation, actor=agent_anna, body="On regarde ça.")
    sent_at = answer.created_at

    worker_runs()
    worker_runs(at=sent_at + timedelta(seconds=HOLD - 1))

    assert smtp_sink.messages == []
    delivery = Delivery.objects.get(message=answer)
    assert (delivery.state, delivery.attempts) == (Delivery.State.PENDING, 0)
    assert delivery.next_attempt_at == sent_at + timedelta(seconds=HOLD)

    worker_runs(at=sent_at + timedelta(seconds=HOLD + 1))

    [email] = smtp_sink.wait_for(1)
    assert email["Message-ID"] == answer.message_id
    assert Delivery.objects.get(message=answer).state == Delivery.State.SENT


def test_with_no_window_a_reply_is_handed_over_at_once_and_cannot_be_undone(
    settings, question, agent_anna, smtp_sink
):
    settings.KLIENT_UNDO_SEND_SECONDS = 0
    answer = reply(question.conversation, actor=agent_anna, body="C'est réparé.")

    worker_runs()

    assert len(smtp_sink.wait_for(1)) == 1
    with pytest.raises(drafts.TooLateToUndo):
        drafts.undo_reply(answer, actor=agent_anna)


def test_an_undone_reply_is_the_authors_draft_again_and_never_sent(
    undo_window, question, agent_anna, smtp_sink
):
    conversation = question.conversation
    drafts.save_draft(conversation, agent=agent_anna, body="On regarde ça.")
    answer = reply(conversation, actor=agent_anna, body="On regarde ça.")
    assert drafts.draft_of(conversation, agent_anna) is None  # sending deleted it

    with freeze_time(answer.created_at + timedelta(seconds=HOLD - 2)):
        draft = drafts.undo_reply(answer, actor=agent_anna)
    worker_runs(at=answer.created_at + timedelta(minutes=5))

    assert smtp_sink.messages == []
    assert (draft.body, draft.attachments) == ("On regarde ça.", [])
    assert drafts.draft_of(conversation, agent_anna) == draft
    assert not Message.objects.filter(pk=answer.pk).exists()
    assert not Delivery.objects.filter(message_id=answer.pk).exists()
    undone = conversation.events.get(kind="message.undone")
    assert undone.actor == agent_anna
    assert undone.data["message"] == answer.pk


def test_undo_gives_back_the_customers_wait_and_the_status_chosen_with_the_reply(
    undo_window, question, agent_anna
):
    answer = reply(question.conversation, actor=agent_anna, body="Réglé.", status="solved")
    assert Conversation.objects.get(pk=question.conversation_id).status == "solved"

    drafts.undo_reply(answer, actor=agent_anna)

    conversation = Conversation.objects.get(pk=question.conversation_id)
    assert conversation.status == Conversation.Status.NEW
    assert conversation.waiting_since == question.created_at
    last = conversation.events.order_by("-id").first()
    assert (last.kind, last.data["from"], last.data["to"]) == ("status.changed", "solved", "new")


def test_what_the_agent_wrote_during_the_window_stays_below_the_undone_reply(
    undo_window, question, agent_anna
):
    answer = reply(question.conversation, actor=agent_anna, body="Première réponse.")
    drafts.save_draft(question.conversation, agent=agent_anna, body="PS : et aussi…")

    draft = drafts.undo_reply(answer, actor=agent_anna)

    assert draft.body == "Première réponse.\n\nPS : et aussi…"
    assert Draft.objects.count() == 1


def test_a_reply_whose_window_is_over_cannot_be_undone(undo_window, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Trop tard ?")

    with (
        freeze_time(answer.created_at + timedelta(seconds=HOLD)),
        pytest.raises(drafts.TooLateToUndo),
    ):
        drafts.undo_reply(answer, actor=agent_anna)

    assert Message.objects.filter(pk=answer.pk).exists()
    assert not question.conversation.events.filter(kind="message.undone").exists()


def test_only_its_author_can_undo_a_reply(undo_window, question, agent_anna, admin_zofia):
    answer = reply(question.conversation, actor=agent_anna, body="Anna répond.")

    with pytest.raises(ValidationError, match="author"):
        drafts.undo_reply(answer, actor=admin_zofia)

    assert Message.objects.filter(pk=answer.pk).exists()


def test_an_undone_reply_is_no_longer_found_by_search(undo_window, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Disjoncteur différentiel.")
    assert search.search_conversations("disjoncteur") == [question.conversation_id]

    drafts.undo_reply(answer, actor=agent_anna)

    assert search.search_conversations("disjoncteur") == []
    assert search.search_conversations("courant") == [question.conversation_id]


def test_an_acknowledgement_is_never_held(undo_window, question):
    from klient.conversations.actions import acknowledge

    automatic = acknowledge(question.conversation, body="Nous avons bien reçu votre message.")

    assert automatic.delivery.next_attempt_at <= timezone.now()


def test_the_sla_counts_a_held_reply_only_once_it_is_delivered(
    undo_window, question, agent_anna, smtp_sink
):
    from klient.sla.actions import recompute
    from klient.sla.admin_actions import save_policy

    save_policy(actor=None, name="Hour", first_reply_minutes=60, business_time=False)
    answer = reply(question.conversation, actor=agent_anna, body="On regarde ça.")
    delivered_at = answer.created_at + timedelta(seconds=HOLD + 1)

    held = answer.created_at + timedelta(seconds=HOLD - 1)
    worker_runs(at=held)
    assert recompute(question.conversation_id, now=held).first_reply_at is None

    worker_runs(at=delivered_at)
    assert recompute(question.conversation_id, now=delivered_at).first_reply_at == delivered_at


def test_a_logged_call_is_held_like_any_reply(undo_window, support_team, agent_anna):
    """The phone channel records its deliveries as delivered when dispatched: it too waits
    for the window, so a call logged on the wrong conversation can be taken back."""
    from klient.conversations.actions import receive_message
    from klient.conversations.incoming import IncomingMessage

    called, _ = receive_message(
        IncomingMessage(
            team_id=support_team.pk,
            from_address="601 234 567",
            from_name="",
            subject="Internet down",
            body_text="Internet down",
            new_text="Internet down",
            received_at=timezone.now(),
            channel="phone",
            from_kind="phone",
        )
    )
    logged = reply(called.conversation, actor=agent_anna, body="A technician comes at 14:00.")

    worker_runs()
    assert Delivery.objects.get(message=logged).state == Delivery.State.PENDING

    worker_runs(at=logged.created_at + timedelta(seconds=HOLD))
    assert Delivery.objects.get(message=logged).state == Delivery.State.SENT
