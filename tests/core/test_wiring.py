"""After a change commits, its event's handlers run in a worker: all of them, even when
one fails."""

import pytest
from django.db import transaction

from event_kinds import ExampleKind
from klient.core import wiring
from klient.core.events import append

calls: list[str] = []


def handler_that_fails(event_ids: list[int]) -> None:
    calls.append("fails")
    raise RuntimeError("boom")


def handler_that_works(event_ids: list[int]) -> None:
    calls.extend(f"works:{event_id}" for event_id in event_ids)


@pytest.fixture
def handlers(monkeypatch):
    calls.clear()
    monkeypatch.setitem(
        wiring.EVENT_HANDLERS,
        "test.happened",
        [f"{__name__}.handler_that_fails", f"{__name__}.handler_that_works"],
    )


def test_one_failing_handler_does_not_stop_the_others(db, handlers):
    with transaction.atomic():
        event = append(ExampleKind.HAPPENED, actor_label="test")

    failed = wiring.run_handlers([event.pk])

    assert failed == 1
    assert calls == ["fails", f"works:{event.pk}"]


def test_an_event_without_handlers_queues_nothing(db, handlers):
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        wiring.publish(append(ExampleKind.NOBODY_LISTENS, actor_label="test"))
        wiring.publish(append(ExampleKind.HAPPENED, actor_label="test"))

    assert DBTaskResult.objects.count() == 1
