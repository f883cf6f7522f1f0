"""Story 1 when mail is late: Olga's second message, a reply to her first, is processed
before the first (a relay held the first back, or the worker holding it died). Whatever
the order, both end on one conversation: the later-created merged into the earlier, her
wait kept, and the event log says why. Delivered over real SMTP, the child first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from klient.conversations.awaited import AWAITED_REASON, sweep_awaited
from klient.conversations.merge import survivor_of
from klient.conversations.models import AwaitedMessage, Conversation, Message
from klient.core.models import Event
from klient.mail import actions
from support import customer_email as mail
from support import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

OLGA = "Ольга Коваленко <olga.kovalenko@ukr.example>"
FIRST_ID = "<olga-first@ukr.example>"


def process(inbound_id: int) -> None:
    actions.process_inbound(inbound_id)
    run_worker()


def first_mail():
    return mail(OLGA, "Замовлення 3301", "Де моє замовлення 3301?", FIRST_ID)


def reply_to_first(sender: str = OLGA):
    return mail(
        sender,
        "Re: Замовлення 3301",
        "Доповнення: номер телефону 050 123 45 67.",
        In_Reply_To=FIRST_ID,
        References=FIRST_ID,
    )


def conversation_of(message_id: str) -> Conversation:
    return survivor_of(Message.objects.get(message_id=message_id).conversation)


def test_the_reply_processed_first_ends_on_the_conversation_of_its_parent(accept):
    child, parent = reply_to_first(), first_mail()
    child_id = accept(child)
    parent_id = accept(parent)

    process(child_id)
    split = Message.objects.get(message_id=child["Message-ID"]).conversation
    assert AwaitedMessage.objects.filter(message_id=FIRST_ID, conversation=split).exists()
    process(parent_id)

    together = conversation_of(FIRST_ID)
    assert conversation_of(child["Message-ID"]) == together
    assert together.messages.count() == 2
    assert Conversation.objects.filter(merged_into__isnull=True).count() == 1
    # The earlier-created one survives and Olga still waits since her first message.
    merged_away = Conversation.objects.get(merged_into__isnull=False)
    assert together.created_at <= merged_away.created_at
    assert together.waiting_since == min(m.created_at for m in together.messages.all())
    event = Event.objects.get(kind="conversation.merged", conversation=together)
    assert event.data["reason"] == AWAITED_REASON
    assert event.actor_label == "system"
    assert not AwaitedMessage.objects.exists()


def test_in_order_nothing_is_awaited_or_merged(send):
    parent = send(first_mail())
    child = send(reply_to_first())

    assert child.conversation_id == parent.conversation_id
    assert not AwaitedMessage.objects.exists()
    assert not Event.objects.filter(kind="conversation.merged").exists()


def test_someone_else_naming_the_parent_is_not_merged_into_it(accept):
    stranger = reply_to_first(sender="spoof@evil.example")
    stranger_id = accept(stranger)
    parent_id = accept(first_mail())

    process(stranger_id)
    process(parent_id)

    assert conversation_of(stranger["Message-ID"]) != conversation_of(FIRST_ID)
    assert not Event.objects.filter(kind="conversation.merged").exists()


def test_a_parent_that_never_comes_is_forgotten_after_30_days(send):
    send(reply_to_first())
    assert AwaitedMessage.objects.count() == 1

    with freeze_time(timezone.now() + timedelta(days=29)):
        sweep_awaited()
    assert AwaitedMessage.objects.count() == 1
    with freeze_time(timezone.now() + timedelta(days=31)):
        sweep_awaited()
    assert not AwaitedMessage.objects.exists()
