"""What webhooks do after a change commits (collected by core.wiring): every event kind of
every domain is a webhook event type. The fan-out handler rides on the outbox rows other
domains' handlers already cause, so it is listed for the kinds that have another handler;
it never adds an outbox row of its own (ingest writes none for a kind nobody handles). The
other kinds reach subscribers through the events sweep (event_log.py), within seconds.
Handlers take event ids in batches and are idempotent (one delivery per endpoint and event,
by a unique constraint)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import cast

from klient.core.events import EventKind

FAN_OUT = "klient.webhooks.handlers.fan_out"
TABLE = "klient.webhooks.handlers.HANDLERS"


class _HandledKinds(Mapping[EventKind, list[str]]):
    """{kind: [FAN_OUT]} for every kind another handler table lists, read when the wiring
    collects the tables (so this module can be imported before the wiring)."""

    _handled: list[EventKind] | None = None

    def _kinds(self) -> list[EventKind]:
        from klient.core import wiring

        if self._handled is None:
            others = [table for table in wiring.HANDLER_TABLES if table != TABLE]
            # The tables are keyed by EventKind members (str enums).
            self._handled = cast(list[EventKind], list(wiring.collect_handlers(others)))
        return self._handled

    def __getitem__(self, kind: EventKind) -> list[str]:
        if kind not in self._kinds():
            raise KeyError(kind)
        return [FAN_OUT]

    def __iter__(self) -> Iterator[EventKind]:
        return iter(self._kinds())

    def __len__(self) -> int:
        return len(self._kinds())


HANDLERS: Mapping[EventKind, list[str]] = _HandledKinds()


def fan_out(event_ids: list[int]) -> int:
    from .actions import queue_for_events

    return queue_for_events(event_ids)
