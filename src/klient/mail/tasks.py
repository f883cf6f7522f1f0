"""Tasks: take ids, idempotent, call actions. They only wake work up early; the sweeper
re-drives anything a lost task leaves behind."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from klient.conversations.actions import acknowledge
from klient.conversations.models import Conversation, Message
from klient.core import shutdown, worker
from klient.core.models import Event
from klient.sla.promise import promised_reply

from . import actions
from .acknowledgement import acknowledgement_text

logger = logging.getLogger(__name__)


@task()
def process_inbound(inbound_id: int) -> str:
    """Store this mail and every other one waiting, batch after batch, until none is left or
    this process is asked to stop (`core.shutdown`: the rest waits for the next worker)."""
    outcome = actions.process_received(inbound_id).get(inbound_id, "skipped")
    while not shutdown.requested():
        worker.linger()  # under a stream of mail, let the next batch gather
        if not actions.process_received(None):
            break
    return outcome


def wake_inbound_processing(inbound_id: int) -> None:
    """Queue processing for newly received mail, unless a queued task that has not started
    yet will see it anyway (it looks for waiting mail when it starts, after this row was
    committed). Under a burst of mail this saves a task per message: a task per message
    cost the worker more than storing the messages."""
    backend = process_inbound.get_backend()
    if isinstance(backend, DatabaseBackend):
        if not _processing_already_queued():
            process_inbound.enqueue(inbound_id)
        return
    with _rq_wake_lock:
        global _rq_wake_id
        if _rq_wake_id is None or not _rq_job_waiting(_rq_wake_id):
            _rq_wake_id = process_inbound.enqueue(inbound_id).id


# On Redis (RQ), the last hint this process queued: while RQ still has it queued (not
# started), it will see any mail committed before the check. Other processes keep their
# own; at worst each web process has one hint waiting.
_rq_wake_id: str | None = None
_rq_wake_lock = threading.Lock()


_rq_connections: dict[str, Any] = {}


def _rq_job_waiting(job_id: str) -> bool:
    """Whether RQ still holds this job queued: one HGET on a kept connection
    (`django_rq.get_connection` opens a new one per call)."""
    import django_rq
    from rq.job import Job, JobStatus

    queue = process_inbound.queue_name
    key = repr(settings.RQ_QUEUES.get(queue))
    client = _rq_connections.get(key)
    if client is None:
        client = _rq_connections[key] = django_rq.get_connection(queue)
    status = client.hget(Job.key_for(job_id), "status")
    if isinstance(status, bytes):
        status = status.decode()
    return bool(status == JobStatus.QUEUED.value)


def _processing_already_queued() -> bool:
    """`DBTaskResult.objects.ready().filter(task_path=…).exists()` as one prepared statement:
    this runs once per message the SMTP listener accepts, and building the ORM query cost
    as much CPU as storing the message's row."""
    db = connections[router.db_for_read(DBTaskResult)]
    meta = DBTaskResult._meta
    qn = db.ops.quote_name
    column = {
        name: qn(str(getattr(meta.get_field(name), "column", name)))
        for name in ("status", "task_path", "run_after")
    }
    sql = (
        f"SELECT 1 FROM {qn(meta.db_table)} WHERE {column['status']} = %s "  # noqa: S608 (names from the model)
        f"AND {column['task_path']} = %s "
        f"AND ({column['run_after']} = %s OR {column['run_after']} <= %s) LIMIT 1"
    )
    params = [
        str(TaskResultStatus.READY),
        process_inbound.module_path,
        db.ops.adapt_datetimefield_value(get_date_max()),
        db.ops.adapt_datetimefield_value(timezone.now()),
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def acknowledge_events(event_ids: list[int]) -> None:
    """Handler (core.wiring): acknowledge the customer messages of message.received events
    whose team asks for it. Events of teams that do not are skipped with one query."""
    candidates = list(
        Event.objects.filter(pk__in=event_ids, conversation__team__acknowledge=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for event_id in candidates:
        try:
            acknowledge_for_event.call(event_id)
        except Exception:
            logger.exception("acknowledgement of event %s failed", event_id)


@task()
def acknowledge_for_event(event_id: int) -> str:
    """Acknowledge a customer's message if the team asks for it; never an automatic one."""
    event = Event.objects.select_related("conversation__team", "conversation__customer").get(
        pk=event_id
    )
    conversation: Conversation | None = event.conversation
    if conversation is None or not conversation.team.acknowledge:
        return "not enabled"
    if event.data.get("auto_reply") or event.data.get("bounce") or event.data.get("bulk"):
        return "automatic message: never answered automatically"
    message = Message.objects.filter(pk=event.data.get("message")).first()
    if message is None or message.sender != Message.Sender.CUSTOMER:
        return "not a customer message"
    sent = send_acknowledgement(conversation)
    return "acknowledged" if sent else "already acknowledged today"


def send_acknowledgement(conversation: Conversation) -> Message | None:
    """The automatic acknowledgement of this conversation, with the reference and the
    honest answer time, in the customer's language; at most one a day per conversation
    (conversations.actions.acknowledge), whatever asks for it: the team's setting on
    each message, or a request form on its submission (portal.handlers)."""
    # The honest time: what the SLA clock says now that the message is stored, computed
    # here rather than read from the SLA state its own handler may not have written yet.
    now = timezone.now()
    body = acknowledgement_text(
        conversation.language or conversation.customer.language,
        reference=conversation.reference,
        team=conversation.team.name,
        promise=promised_reply(conversation.pk, now=now),
        now=now,
    )
    return acknowledge(conversation, body=body)
