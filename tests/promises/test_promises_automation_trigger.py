"""Issue 18's "when a promise is broken": an automation rule on promise.broken runs when
an open promise passes its due time unkept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from freezegun import freeze_time
from tests.support import worker_runs

from klient.automations.actions import save_rule
from klient.conversations.actions import reply
from klient.promises.actions import confirm, offer_from_message

SENT_AT = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)


def test_a_rule_on_promise_broken_tags_the_conversation(
    admin_zofia, agent_anna, support_team, receive
):
    with transaction.atomic():
        save_rule(
            {
                "name": "Broken promises",
                "when": {"event": "promise.broken"},
                "then": [{"action": "add_tag", "value": "promise-broken"}],
            },
            actor=admin_zofia,
        )
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    with freeze_time(SENT_AT), transaction.atomic():
        sent = reply(conversation, actor=agent_anna, body="I'll call you back tomorrow.")
    [promise] = offer_from_message(sent)
    with transaction.atomic():
        confirm(promise, actor=agent_anna)

    worker_runs(at=promise.due_at - timedelta(minutes=5))
    assert not conversation.tags.filter(name="promise-broken").exists()
    worker_runs(at=promise.due_at + timedelta(minutes=1))
    assert conversation.tags.filter(name="promise-broken").exists()
