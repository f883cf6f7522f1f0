"""A chat visitor's email is a claim until a magic link proves it; proven, it joins the
visitor to the customer who owns it, history and all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from klient.conversations.actions import receive_message, reply
from klient.conversations.incoming import IncomingMessage
from klient.conversations.models import Conversation
from klient.conversations.visitors import confirm_identity
from klient.people.actions import add_identity, find_or_create_customers
from klient.people.models import Identity


def chat(team, visitor, text):
    incoming = IncomingMessage(
        team_id=team.pk,
        from_address=visitor,
        from_name="",
        subject=text,
        body_text=text,
        new_text=text,
        received_at=timezone.now(),
        channel="chat",
        from_kind="chat",
    )
    message, _ = receive_message(incoming)
    return message.conversation


def test_a_chat_visitor_who_proves_an_email_joins_the_history_of_its_owner(
    support_team, agent_anna, receive
):
    earlier = receive(support_team, "ola@klientka.pl", "Faktura", "Proszę o fakturę").conversation
    ola = earlier.customer
    visiting = chat(support_team, "v-7f3a", "Czy moja faktura jest gotowa?")
    visitor = visiting.customer
    claim = add_identity(visitor, kind="email", value="Ola@Klientka.pl", verified=False)

    # Typed, not proven: it names no one and reaches no one.
    key = ("email", "ola@klientka.pl")
    assert find_or_create_customers({key: ""})[key] == ola
    assert visitor.reachable_at("email") == ""
    with pytest.raises(ValidationError, match="no email address"):
        reply(visiting, actor=agent_anna, body="Sprawdzę", channel="email")

    owner = confirm_identity(claim)

    assert owner == ola
    assert Conversation.objects.get(pk=visiting.pk).customer == ola
    assert set(ola.conversations.values_list("pk", flat=True)) == {earlier.pk, visiting.pk}
    assert (
        Conversation.objects.get(pk=visiting.pk)
        .events.filter(kind="customer.changed", data__to=ola.pk)
        .exists()
    )
    # The visitor id now names Ola: her next chat lands in her history.
    assert chat(support_team, "v-7f3a", "Dziękuję").customer == ola
    assert not Identity.objects.filter(verified_at__isnull=True).exists()
    # Proving again changes nothing.
    assert confirm_identity(Identity.objects.get(kind="email")) == ola


def test_a_proven_email_no_one_owned_becomes_the_visitors_own(support_team, agent_anna):
    visiting = chat(support_team, "v-1b2c", "Hello")
    claim = add_identity(visiting.customer, kind="email", value="tom@example.com", verified=False)

    owner = confirm_identity(claim)

    assert owner == visiting.customer
    claim.refresh_from_db()
    assert claim.verified_at is not None
    answer = reply(visiting, actor=agent_anna, body="Hi Tom", channel="email")
    assert answer.to == ["tom@example.com"]


def test_an_email_owned_by_another_customer_cannot_be_given_to_a_visitor_as_verified(
    support_team, receive
):
    receive(support_team, "ola@klientka.pl", "Faktura", "Proszę")
    visiting = chat(support_team, "v-9d8e", "Hi")

    with pytest.raises(ValidationError, match="already belongs to another customer"):
        add_identity(visiting.customer, kind="email", value="ola@klientka.pl", verified=True)
