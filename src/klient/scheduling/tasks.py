"""The task that sends scheduling's queued messages at once (the sweep catches lost
wake-ups, reminders falling due and retries)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_messages() -> int:
    from .outbox import send_due_messages

    return send_due_messages()


def wake() -> None:
    """Queue a send; a lost wake-up is caught by the sweep, so it is only logged."""
    try:
        send_messages.enqueue()
    except Exception:
        logger.exception("could not queue scheduling messages")
