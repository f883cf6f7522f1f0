"""What webhooks do after a change commits (collected by core.wiring): every event kind of
every domain is a webhook event type, so the fan-out handler is listed for all of them.
Handlers take event ids in batches and are idempotent (one delivery per endpoint and
event, by a unique constraint)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from klient.core.events import EventKind

FAN_OUT = "klient.webhooks.handlers.fan_out"


class _EveryKind(Mapping[EventKind, list[str]]):
    """{kind: [FAN_OUT]} for every kind in core.wiring.EVENT_KINDS, read when the wiring
    collects the tables (so a domain added to EVENT_KINDS is subscribable at once, and
    this module can be imported before the wiring)."""

    def _kinds(self) -> list[EventKind]:
        from klient.core import wiring

        return [member for kind in wiring.event_kinds() for member in kind]

    def __getitem__(self, kind: EventKind) -> list[str]:
        if kind not in self._kinds():
            raise KeyError(kind)
        return [FAN_OUT]

    def __iter__(self) -> Iterator[EventKind]:
        return iter(self._kinds())

    def __len__(self) -> int:
        return len(self._kinds())


HANDLERS: Mapping[EventKind, list[str]] = _EveryKind()


def fan_out(event_ids: list[int]) -> int:
    from .actions import queue_for_events

    return queue_for_events(event_ids)
