"""The conversation Event kinds, and one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from klient.core.models import Event

    from .models import Attachment, Conversation, Delivery, Message, Upload


class Kind(EventKind):
    CONVERSATION_CREATED = "conversation.created", _("Conversation opened")
    MESSAGE_RECEIVED = "message.received", _("Message received")
    MESSAGE_OUTBOUND_QUEUED = "message.outbound_queued", _("Reply queued for sending")
    MESSAGE_UNDONE = "message.undone", _("Reply undone before it was sent")
    NOTE_ADDED = "note.added", _("Internal note added")
    NOTE_MENTIONED = "note.mentioned", _("Agents mentioned in a note")
    STATUS_CHANGED = "status.changed", _("Status changed")
    PRIORITY_CHANGED = "priority.changed", _("Priority changed")
    ASSIGNEE_CHANGED = "assignee.changed", _("Assignee changed")
    TEAM_CHANGED = "team.changed", _("Team changed")
    TAGS_CHANGED = "tags.changed", _("Tags changed")
    CUSTOMER_CHANGED = "customer.changed", _("Customer changed")
    DELIVERY_SENT = "delivery.sent", _("Reply delivered to the mail server")
    DELIVERY_DEFERRED = "delivery.deferred", _("Delivery deferred; will retry")
    DELIVERY_FAILED = "delivery.failed", _("Delivery failed")
    DELIVERY_BOUNCED = "delivery.bounced", _("Reply bounced")
    DELIVERY_RESEND_REQUESTED = "delivery.resend_requested", _("Resend requested")
    CONVERSATION_MERGED = "conversation.merged", _("Another conversation was merged into this one")
    CONVERSATION_MERGED_INTO = "conversation.merged_into", _("Merged into another conversation")
    UPLOAD_STORED = "upload.stored", _("File uploaded")
    # Issue 14: moved to another agent or team with a handover note (conversations.transfers).
    CONVERSATION_TRANSFERRED = "conversation.transferred", _("Transferred with a handover note")


# The field an update changes -> the kind of its event (Conversation fields).
FIELD_CHANGED_KINDS = {
    "status": Kind.STATUS_CHANGED,
    "priority": Kind.PRIORITY_CHANGED,
    "assignee": Kind.ASSIGNEE_CHANGED,
    "team": Kind.TEAM_CHANGED,
    "tags": Kind.TAGS_CHANGED,
    "customer": Kind.CUSTOMER_CHANGED,
}
# What happened to a delivery attempt (conversations.actions.record_delivery_outcome).
DELIVERY_OUTCOME_KINDS = {
    "sent": Kind.DELIVERY_SENT,
    "deferred": Kind.DELIVERY_DEFERRED,
    "failed": Kind.DELIVERY_FAILED,
    "bounced": Kind.DELIVERY_BOUNCED,
}


def conversation_created(conversation: Conversation, *, actor: Any = None) -> Event:
    return append(
        Kind.CONVERSATION_CREATED,
        conversation=conversation,
        at=conversation.created_at,
        actor=actor,
        actor_label="" if actor else "customer",
        data={"channel": conversation.channel, "team": conversation.team_id},
    )


def message_received(
    conversation: Conversation, message: Message, *, threaded_by: str = ""
) -> Event:
    """Dated when the message reached Klient, not when it was processed: the customer has
    been waiting since then (after a worker outage or a quarantine retry too).
    threaded_by: how the message was matched to an existing conversation, when it was."""
    data: dict[str, Any] = {
        "message": message.pk,
        "auto_reply": message.is_auto_reply,
        "bounce": message.is_bounce,
        "bulk": message.is_bulk,
    }
    if threaded_by:
        data["threaded_by"] = threaded_by
    return append(
        Kind.MESSAGE_RECEIVED,
        conversation=conversation,
        at=message.created_at,
        actor_label=message.from_address,
        data=data,
    )


def outbound_queued(
    conversation: Conversation,
    message: Message,
    *,
    actor: Any,
    automatic: bool = False,
    at: datetime | None = None,
    waited_since: datetime | None = None,
    attachments: Sequence[Attachment] = (),
) -> Event:
    """`waited_since`: the customer's wait this reply ended (the conversation's
    waiting_since before it), which undoing the reply gives back."""
    data: dict[str, Any] = {
        "message": message.pk,
        "delivery": message.delivery.pk,
        "automatic": automatic,
    }
    if waited_since is not None:
        data["waited_since"] = waited_since.isoformat()
    return append(
        Kind.MESSAGE_OUTBOUND_QUEUED,
        conversation=conversation,
        actor=actor,
        actor_label="system" if automatic else "",
        data=_with_attachments(data, attachments),
        at=at,
    )


def message_undone(
    conversation: Conversation,
    message: Message,
    *,
    actor: Any,
    delivery: int,
    attachments: list[int],
) -> Event:
    """An agent's reply taken back before it was handed to its channel: the message and
    its delivery are gone, its text and attachments are the agent's draft again."""
    return append(
        Kind.MESSAGE_UNDONE,
        conversation=conversation,
        actor=actor,
        data={"message": message.pk, "delivery": delivery, "attachments": attachments},
    )


def note_added(
    conversation: Conversation,
    message: Message,
    *,
    actor: Any,
    attachments: Sequence[Attachment] = (),
) -> Event:
    return append(
        Kind.NOTE_ADDED,
        conversation=conversation,
        actor=actor,
        data=_with_attachments({"message": message.pk}, attachments),
    )


def _with_attachments(data: dict[str, Any], attachments: Sequence[Attachment]) -> dict[str, Any]:
    """The message's attachments, by id, on the event of the message they came with."""
    if attachments:
        data["attachments"] = [attachment.pk for attachment in attachments]
    return data


def upload_stored(upload: Upload, *, actor: Any) -> Event:
    """A file an agent uploaded, not attached to anything yet (so no conversation)."""
    return append(
        Kind.UPLOAD_STORED,
        actor=actor,
        data={
            "upload": upload.pk,
            "filename": upload.filename,
            "size": upload.size,
            "content_type": upload.content_type,
        },
        at=upload.created_at,
    )


def field_changed(
    conversation: Conversation,
    field: str,
    old: Any,
    new: Any,
    *,
    actor: Any,
    reason: str = "",
    reply: Message | None = None,
    at: datetime | None = None,
    actor_label: str = "",
) -> Event:
    """`reply`: the reply this change was made with (a status chosen with an answer), so
    the SLA waits for that answer's delivery and the timeline shows it first."""
    data: dict[str, Any] = {"field": field, "from": old, "to": new}
    if reason:
        data["reason"] = reason
    if reply is not None:
        data["reply"] = reply.pk
    return append(
        FIELD_CHANGED_KINDS[field],
        conversation=conversation,
        actor=actor,
        actor_label=actor_label,
        data=data,
        at=at,
    )


def reopened(conversation: Conversation, *, reason: str, actor_label: str = "") -> Event:
    """The conversation goes back to open by itself (no agent did it): the customer wrote,
    or a reply did not reach them. The caller sets the status."""
    return field_changed(
        conversation,
        "status",
        conversation.status,
        "open",
        actor=None,
        reason=reason,
        actor_label=actor_label,
    )


def delivery_outcome(
    conversation: Conversation, message: Message, outcome: str, **data: Any
) -> Event:
    return append(
        DELIVERY_OUTCOME_KINDS[outcome],
        conversation=conversation,
        actor_label="system",
        data={"message": message.pk, **data},
    )


def delivery_resend_requested(
    conversation: Conversation,
    message: Message,
    delivery: Delivery,
    *,
    actor: Any,
    previous_state: str,
    previous_error: str,
    attempts: int,
) -> Event:
    """An agent asked for a failed or bounced delivery to be sent again. `delivery` in the
    data hands it to its channel (channel_registry.deliver_for_events); the previous state,
    error and attempts are kept here, since the delivery row starts afresh."""
    return append(
        Kind.DELIVERY_RESEND_REQUESTED,
        conversation=conversation,
        actor=actor,
        data={
            "message": message.pk,
            "delivery": delivery.pk,
            "previous_state": previous_state,
            "previous_error": previous_error[:500],
            "attempts": attempts,
        },
    )


def transferred(
    conversation: Conversation,
    note: Message,
    *,
    actor: Any,
    from_agent: int | None,
    from_team: int,
    to_agent: int | None,
    to_team: int,
) -> Event:
    """`note`: the handover note, pinned above the history for the receiver."""
    return append(
        Kind.CONVERSATION_TRANSFERRED,
        conversation=conversation,
        actor=actor,
        data={
            "note": note.pk,
            "from_agent": from_agent,
            "from_team": from_team,
            "to_agent": to_agent,
            "to_team": to_team,
        },
    )
