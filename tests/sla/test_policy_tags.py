"""A policy can apply to conversations carrying a tag: an agent tags a customer "vip" and
the stricter promise applies from then on."""

from datetime import UTC, datetime

import pytest

from klient.conversations.actions import set_tags
from klient.sla.admin_actions import save_policy
from klient.sla.models import ConversationSla

pytestmark = pytest.mark.usefixtures("frozen", "warsaw_hours", "standard_policy")


@pytest.fixture
def vip_policy(db):
    return save_policy(
        actor=None, name="VIP", position=1, tag="vip", first_reply_minutes=30, business_time=False
    )


def test_tagging_a_conversation_switches_it_to_the_tags_policy(
    frozen, receive, support_team, agent_anna, settle, vip_policy
):
    frozen.move_to(datetime(2026, 6, 1, 7, tzinfo=UTC))
    conversation = receive(support_team, "ewa@example.pl", "Awaria", "Nie działa.").conversation
    assert settle(conversation).policy.name == "Standard"

    set_tags(conversation, actor=agent_anna, add=["VIP"])
    sla = settle(conversation)

    assert sla.policy == vip_policy
    assert sla.first_reply_due == datetime(2026, 6, 1, 7, 30, tzinfo=UTC)


def test_without_the_tag_the_tag_policy_never_applies(
    frozen, receive, support_team, agent_anna, settle, vip_policy
):
    conversation = receive(support_team, "ewa@example.pl", "Pytanie", "Kiedy?").conversation
    set_tags(conversation, actor=agent_anna, add=["faktura"])

    assert ConversationSla.objects.get(pk=settle(conversation).pk).policy.name == "Standard"
