"""Issue 18's automation condition on sentiment: a rule on message.received can act on the
label of the message that triggered it (analysed before the rules run)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from klient.automations.actions import save_rule
from klient.conversations.models import Conversation
from support import worker_runs


def tags(message):
    return sorted(
        Conversation.objects.get(pk=message.conversation_id).tags.values_list("name", flat=True)
    )


@pytest.fixture
def angry_customers_rule(admin_zofia):
    return save_rule(
        {
            "name": "Angry customers first",
            "when": {"event": "message.received"},
            "if": [{"field": "sentiment", "op": "is", "value": "negative"}],
            "then": [{"action": "add_tag", "value": "angry"}],
        },
        actor=admin_zofia,
    )


def test_a_negative_message_is_tagged_and_a_happy_one_is_not(
    angry_customers_rule, support_team, receive
):
    angry = receive(
        support_team, "a@x.de", "Rechnung", "Das ist unmöglich, ich bin enttäuscht.", language="de"
    )
    happy = receive(support_team, "b@x.de", "Danke", "Vielen Dank, alles perfekt!", language="de")
    worker_runs()

    assert tags(angry) == ["angry"]
    assert tags(happy) == []


def test_a_sentiment_outside_the_three_labels_is_refused(admin_zofia):
    with pytest.raises(ValidationError, match="negative, neutral, positive"):
        save_rule(
            {
                "name": "Bad",
                "when": {"event": "message.received"},
                "if": [{"field": "sentiment", "op": "is", "value": "furious"}],
                "then": [{"action": "add_tag", "value": "x"}],
            },
            actor=admin_zofia,
        )
