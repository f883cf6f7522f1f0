"""A process-wide "stop soon" request for long-running workers.

A task that drains work batch after batch (inbound mail, the event outbox) checks it
between batches and returns, so that a worker asked to stop (SIGTERM on a deploy) stops
within one batch instead of after the whole backlog: RQ waits for the running job before it
exits, and process managers kill a worker that takes too long. What is left stays in its
durable rows for the next worker or the sweeper."""

from __future__ import annotations

import threading

_requested = threading.Event()


def request() -> None:
    _requested.set()


def requested() -> bool:
    return _requested.is_set()


def clear() -> None:
    """For a process that goes on working after a stop was requested (tests)."""
    _requested.clear()
