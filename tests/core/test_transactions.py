"""Entry points own the transaction and actions join it: an operation made of several
actions happens whole or not at all, and an event is never written apart from its change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse

from event_kinds import ExampleKind
from klient.conversations import actions
from klient.conversations.models import Conversation
from klient.core.events import append
from klient.core.models import Event
from klient.core.transactions import (
    NoTransactionError,
    WriteRequestMiddleware,
    entry_point,
    in_transaction,
    reads_only,
)

pytestmark = pytest.mark.django_db


def test_an_event_appended_outside_any_transaction_is_refused():
    with pytest.raises(NoTransactionError, match="inside the transaction"):
        append(ExampleKind.HAPPENED, actor_label="test")

    assert not Event.objects.filter(kind="test.happened").exists()


def test_the_transaction_of_the_test_itself_does_not_count():
    assert not in_transaction()
    with transaction.atomic():
        assert in_transaction()


def test_two_actions_in_one_entry_point_roll_back_together(support_team, agent_anna, receive):
    conversation = receive(
        support_team, "ola@example.com", "Faktura", "Proszę o fakturę."
    ).conversation

    with pytest.raises(ValidationError), entry_point():
        actions.update_conversation(conversation, actor=agent_anna, priority="high")
        actions.update_conversation(conversation, actor=agent_anna, status="no-such-status")

    conversation.refresh_from_db()
    assert conversation.priority == Conversation.Priority.NORMAL
    assert not Event.objects.filter(kind="priority.changed").exists()


def test_an_entry_point_cannot_be_folded_into_another_transaction():
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"), entry_point():
        pass


def test_a_write_request_answered_with_an_error_changes_nothing(
    rf, support_team, agent_anna, receive
):
    """WriteRequestMiddleware: what the view changed before it answered 400 is undone."""
    conversation = receive(
        support_team, "ola@example.com", "Faktura", "Proszę o fakturę."
    ).conversation

    def view_that_changes_then_refuses(request):
        actions.update_conversation(conversation, actor=agent_anna, priority="high")
        return HttpResponse("refused", status=400)

    def view_that_changes(request):
        actions.update_conversation(conversation, actor=agent_anna, priority="urgent")
        return HttpResponse("done")

    middleware = WriteRequestMiddleware(lambda request: None)
    refused = middleware.process_view(rf.post("/"), view_that_changes_then_refuses, (), {})
    conversation.refresh_from_db()
    assert refused.status_code == 400
    assert conversation.priority == Conversation.Priority.NORMAL

    done = middleware.process_view(rf.post("/"), view_that_changes, (), {})
    conversation.refresh_from_db()
    assert done.status_code == 200
    assert conversation.priority == Conversation.Priority.URGENT


def test_a_view_that_only_reads_a_post_runs_without_a_transaction(rf):
    seen = []

    @reads_only
    def check_a_draft(request):
        seen.append(in_transaction())
        return HttpResponse("no findings")

    def save_a_draft(request):
        seen.append(in_transaction())
        return HttpResponse("saved")

    middleware = WriteRequestMiddleware(lambda request: None)
    assert middleware.process_view(rf.post("/"), check_a_draft, (), {}) is None
    check_a_draft(rf.post("/"))
    middleware.process_view(rf.post("/"), save_a_draft, (), {})
    assert middleware.process_view(rf.get("/"), save_a_draft, (), {}) is None

    assert seen == [False, True]
