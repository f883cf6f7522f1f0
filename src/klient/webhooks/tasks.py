"""The task that sends due webhook deliveries at once (the sweep catches lost wake-ups and
the retries as they fall due)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def deliver_webhooks() -> int:
    from .delivery import deliver_due

    return deliver_due()


def wake() -> None:
    """Queue a delivery task, unless one that has not started is queued already (it takes
    every due row when it starts). A lost wake-up is caught by the sweep: logged only."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        if (
            isinstance(deliver_webhooks.get_backend(), DatabaseBackend)
            and DBTaskResult.objects.ready().filter(task_path=deliver_webhooks.module_path).exists()
        ):
            return
        deliver_webhooks.enqueue()
    except Exception:
        logger.exception("could not queue webhook delivery")
