"""The ingest's hand-written SQL reads and writes exactly what the ORM would: core.rows
loads a conversation (with its customer) equal field by field to `objects.get`, datetimes,
booleans and empty values included, and core.bulk.update writes each row's named fields
only, grouped by the set of fields changed. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from klient.conversations.models import Conversation
from klient.core import bulk, rows
from klient.people.models import Customer

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.fixture
def two_conversations(support_team):
    zofia = Customer.objects.create(name="Zofia Wójcik", language="pl")
    first = Conversation.objects.create(
        subject="Faktura nr 12/2026",
        team=support_team,
        customer=zofia,
        created_at=AT,
        updated_at=AT,
        waiting_since=AT,
        automatic=False,
    )
    second = Conversation.objects.create(
        subject="Réponse automatique",
        team=support_team,
        customer=zofia,
        created_at=AT,
        updated_at=AT + timedelta(days=1),
        waiting_since=None,
        automatic=True,
    )
    return first, second


def test_a_row_read_by_hand_equals_the_orms_instance(two_conversations):
    conv, customer = rows.columns(Conversation, "c"), rows.columns(Customer, "p")
    for original in two_conversations:
        found = rows.fetch(
            f"SELECT {conv.sql}, {customer.sql} FROM conversations_conversation c "
            "JOIN people_customer p ON p.id = c.customer_id WHERE c.id = %s",
            [original.pk],
        )
        loaded = conv.load(found[0])
        expected = Conversation.objects.get(pk=original.pk)
        assert _values(loaded) == _values(expected)
        assert type(loaded.automatic) is bool and loaded.updated_at.tzinfo is not None
        assert _values(customer.load(found[0], conv.width)) == _values(expected.customer)
        assert not loaded._state.adding
        assert conv.position("id") == 1


def test_an_update_writes_only_the_named_fields_of_each_row(two_conversations):
    first, second = two_conversations
    first.updated_at = AT + timedelta(hours=2)
    first.status = Conversation.Status.OPEN
    first.subject = "not saved: not named"
    second.updated_at = AT + timedelta(days=3)
    second.automatic = False

    bulk.update(
        Conversation, [(first, {"updated_at", "status"}), (second, ["updated_at", "automatic"])]
    )

    first_now, second_now = (Conversation.objects.get(pk=c.pk) for c in two_conversations)
    assert (first_now.updated_at, first_now.status) == (AT + timedelta(hours=2), "open")
    assert first_now.subject == "Faktura nr 12/2026"
    assert (second_now.updated_at, second_now.automatic) == (AT + timedelta(days=3), False)
    assert second_now.status == Conversation.Status.NEW
