"""Published events wait in the outbox (core.PendingEvent) until a worker runs their
handlers: in batches, once each, in order; a failing handler holds nothing back, and the
sweep recovers events whose wake-up was lost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from event_kinds import ExampleKind
from klient.core import wiring
from klient.core.events import append
from klient.core.models import PendingEvent
from klient.core.worker import drain

calls: list[tuple[str, list[int]]] = []


def record(event_ids: list[int]) -> None:
    calls.append(("record", list(event_ids)))


def explode(event_ids: list[int]) -> None:
    calls.append(("explode", list(event_ids)))
    raise RuntimeError("boom")


@pytest.fixture
def handlers(monkeypatch):
    calls.clear()
    monkeypatch.setitem(wiring.EVENT_HANDLERS, "test.happened", [f"{__name__}.record"])
    monkeypatch.setitem(
        wiring.EVENT_HANDLERS, "test.failing", [f"{__name__}.explode", f"{__name__}.record"]
    )


def publish(kind: str, count: int = 1) -> list[int]:
    with transaction.atomic():
        events = [append(ExampleKind(kind), actor_label="test") for _ in range(count)]
        wiring.publish_on_commit(*events)
    return [event.pk for event in events]


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_events_is_dispatched_once_each_in_order_by_one_task(handlers):
    ids = publish("test.happened", 3) + publish("test.happened", 2)

    assert DBTaskResult.objects.count() == 1
    drain()

    assert calls == [("record", ids)]
    assert not PendingEvent.objects.exists()
    drain()
    assert calls == [("record", ids)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_does_not_block_later_events(handlers):
    failing = publish("test.failing")
    later = publish("test.happened", 2)

    drain()

    assert calls == [("explode", failing), ("record", failing + later)]
    assert not PendingEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_events_of_a_rolled_back_change_are_never_dispatched(handlers):
    with pytest.raises(RuntimeError), transaction.atomic():
        wiring.publish_on_commit(append(ExampleKind.HAPPENED, actor_label="test"))
        raise RuntimeError("rolled back")

    drain()

    assert calls == []
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweep_recovers_events_whose_task_was_lost(handlers):
    ids = publish("test.happened", 2)
    DBTaskResult.objects.all().delete()  # the wake-up is lost

    assert wiring.redrive_pending_events() == 0  # still fresh: its task may yet come
    PendingEvent.objects.update(queued_at=timezone.now() - wiring.STALE_AFTER * 2)
    wiring.sweep()

    assert calls == [("record", ids)]
    assert not PendingEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_events_held_by_a_dead_worker_are_taken_over_when_the_lease_expires(handlers):
    ids = publish("test.happened")
    DBTaskResult.objects.all().delete()
    PendingEvent.objects.update(lease_until=timezone.now() + timedelta(minutes=1))

    assert wiring.dispatch_pending() == 0  # another worker holds them
    PendingEvent.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    wiring.sweep()

    assert calls == [("record", ids)]


@pytest.mark.django_db(transaction=True)
def test_events_without_handlers_leave_nothing_pending(handlers):
    publish("nobody.listens", 2)

    assert not PendingEvent.objects.exists()
    assert DBTaskResult.objects.count() == 0
