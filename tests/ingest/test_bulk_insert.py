"""core.bulk.insert writes what bulk_create would, a batch per statement, on SQLite and
PostgreSQL: ids come back in order, JSON and datetimes are stored as the ORM reads them,
auto_now_add is filled in, and a foreign key set before its target had an id is resolved."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from klient.conversations.models import Conversation, Message
from klient.core import bulk
from klient.core.models import Event
from klient.mail.models import InboundMail
from klient.people.models import Customer

pytestmark = pytest.mark.django_db


def test_rows_get_their_ids_in_order_and_read_back_as_written(support_team):
    customers = [Customer(name=f"Customer {n}") for n in range(600)]  # several statements
    bulk.insert(Customer, customers)

    assert all(c.pk is not None for c in customers)
    stored = dict(Customer.objects.values_list("pk", "name"))
    assert [stored[c.pk] for c in customers] == [f"Customer {n}" for n in range(600)]
    assert all(c.created_at is not None for c in Customer.objects.all())  # auto_now_add


def test_json_datetimes_and_related_objects_are_stored_like_the_orm_does(support_team):
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    customer = Customer(name="Zofia")
    conversation = Conversation(
        subject="Faktura", team=support_team, customer=customer, created_at=at, updated_at=at
    )
    bulk.insert(Customer, [customer])  # the conversation was built before the customer had an id
    bulk.insert(Conversation, [conversation])
    message = Message(
        conversation=conversation,
        kind=Message.Kind.INBOUND,
        sender=Message.Sender.CUSTOMER,
        to=["support@shop.example", "ścisły@przykład.pl"],
        cc=[],
        body_text="Zażółć gęślą jaźń — \"quotes\", back\\slash, {braces}, 'apostrophes'",
        created_at=at,
    )
    bulk.insert(Message, [message])
    bulk.insert(
        Event,
        [Event(conversation=conversation, kind="test.bulk", data={"a": [1, "ż"]}, at=at)],
    )

    stored = Message.objects.get(pk=message.pk)
    assert stored.conversation.customer.name == "Zofia"
    assert stored.to == ["support@shop.example", "ścisły@przykład.pl"]
    assert stored.body_text == message.body_text
    assert stored.created_at == at
    assert Event.objects.get(kind="test.bulk").data == {"a": [1, "ż"]}


def test_ignoring_conflicts_returns_only_the_rows_inserted(support_team):
    now = datetime(2026, 3, 1, tzinfo=UTC)

    def row(digest: str) -> InboundMail:
        return InboundMail(raw_blob=digest, size=1, source="import", received_at=now)

    first = bulk.insert(
        InboundMail, [row("a" * 64)], ignore_conflicts=True, returning=("raw_blob",)
    )
    again = bulk.insert(
        InboundMail, [row("a" * 64), row("b" * 64)], ignore_conflicts=True, returning=("raw_blob",)
    )

    assert first == [("a" * 64,)]
    assert again == [("b" * 64,)]
    assert InboundMail.objects.count() == 2
