"""Tasks: take ids, idempotent, call actions. They only wake work up early; the sweeper
re-drives anything a lost task leaves behind."""

from __future__ import annotations

from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from klient.conversations.actions import acknowledge
from klient.conversations.models import Conversation, Message
from klient.core.models import Event

from . import actions, sending
from .acknowledgement import acknowledgement_text


@task()
def process_inbound(inbound_id: int) -> str:
    """Store this mail and every other one waiting, batch after batch."""
    outcome = actions.process_received(inbound_id).get(inbound_id, "skipped")
    while actions.process_received(None):
        pass
    return outcome


def wake_inbound_processing(inbound_id: int) -> None:
    """Queue processing for newly received mail, unless a queued task that has not started
    yet will see it anyway (it looks for waiting mail when it starts, after this row was
    committed). Under a burst of mail this saves a task per message."""
    backend = process_inbound.get_backend()
    if isinstance(backend, DatabaseBackend) and (
        DBTaskResult.objects.ready()
        .filter(task_path=process_inbound.module_path)
        .exists()
    ):
        return
    process_inbound.enqueue(inbound_id)


@task()
def send_delivery_for_event(event_id: int) -> str:
    event = Event.objects.get(pk=event_id)
    return sending.send_delivery(int(event.data["delivery"]))


@task()
def acknowledge_for_event(event_id: int) -> str:
    """Acknowledge a customer's message if the team asks for it; never an automatic one."""
    event = Event.objects.select_related("conversation__team").get(pk=event_id)
    conversation: Conversation | None = event.conversation
    if conversation is None or not conversation.team.acknowledge:
        return "not enabled"
    if event.data.get("auto_reply") or event.data.get("bounce") or event.data.get("bulk"):
        return "automatic message: never answered automatically"
    message = Message.objects.filter(pk=event.data.get("message")).first()
    if message is None or message.sender != Message.Sender.CUSTOMER:
        return "not a customer message"
    body = acknowledgement_text(
        conversation.language, reference=conversation.reference, team=conversation.team.name
    )
    sent = acknowledge(conversation, body=body)
    return "acknowledged" if sent else "already acknowledged today"
