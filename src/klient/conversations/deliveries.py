"""The writers of deliveries (conversations' actions, kept apart from actions.py): what
became of an attempt, and sending a failed one again.

A person's reply that the relay refused for good, or that bounced, never reached the
customer. Its failure therefore
- keeps the relay's reason (Delivery.last_error, and `error` in the event);
- puts the conversation back to "waiting on us": `waiting_since` becomes the moment of the
  customer's oldest message that no delivered reply answered (the customer's wait, not the
  failed reply's age), and a status other than new or open (solved, closed, waiting on the
  customer, on hold: chosen with the reply or since) becomes open, with its status.changed
  event; a conversation merged into another is left as it is;
- logs one line: message id, conversation reference, reason;
- and, once committed, notifies the reply's author (the notifications domain's handler of
  delivery.failed and delivery.bounced).

`resend` hands a failed or bounced delivery to its channel again: the same message, so
the same Message-ID and Date. The customer stays waiting until it is delivered."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from klient.core.wiring import publish_on_commit

from . import events
from .models import Conversation, Delivery, Message

logger = logging.getLogger(__name__)

OUTCOMES = ("sent", "retry", "failed", "bounced")
# Why a conversation was reopened, as the status.changed event records it (the workspace's
# timeline translates it).
REOPENED_UNDELIVERED = "reply not delivered"
_NOT_SET_ASIDE = (Conversation.Status.NEW, Conversation.Status.OPEN)


class NotResendable(Exception):
    """Only a failed or bounced delivery can be sent again (the API answers 409)."""

    def __init__(self, state: str | None) -> None:
        self.state = state
        if state is None:
            text = "This message has no delivery: only a reply that was not delivered is resent."
        else:
            text = f"The delivery is {state}: only a failed or bounced one can be resent."
        super().__init__(text)


def record_delivery_outcome(
    delivery: Delivery, *, outcome: str, error: str = "", retry_at: Any = None
) -> None:
    """Record what happened to a delivery attempt: sent, retry (with retry_at), failed or
    bounced. Called by the channel's sender with the delivery locked by its lease; a bounce
    by the mail pipeline, for a delivery that was sent (a bounce arriving while the message
    is being resent is about an earlier send and changes nothing)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown delivery outcome {outcome!r}")
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("message").get(pk=delivery.pk)
        )
        if not _applies(delivery, outcome):
            return
        message = delivery.message
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        delivery.lease_until = None
        delivery.last_error = error[:2000]
        delivery.updated_at = now
        if outcome == "sent":
            delivery.state = Delivery.State.SENT
            delivery.sent_at = now
            publish_on_commit(
                events.delivery_outcome(conversation, message, "sent", attempts=delivery.attempts)
            )
            if _is_answer(message) and conversation.waiting_since is not None:
                # Delivered late (resent): the customer waits only for what came after it.
                _set_waiting(conversation, _customer_wait(conversation, delivered=message))
        elif outcome == "retry":
            delivery.state = Delivery.State.PENDING
            delivery.next_attempt_at = retry_at or now
            events.delivery_outcome(
                conversation, message, "deferred", attempts=delivery.attempts, error=error[:500]
            )
        else:
            delivery.state = Delivery.State(outcome)
            published = [
                events.delivery_outcome(
                    conversation, message, outcome, attempts=delivery.attempts, error=error[:500]
                )
            ]
            if _is_answer(message) and conversation.merged_into_id is None:
                published += _back_to_waiting(conversation, message, now)
            publish_on_commit(*published)
            _log_on_commit(outcome, message, conversation, error)
        delivery.save()


def _applies(delivery: Delivery, outcome: str) -> bool:
    """A bounce is about a delivery that was sent; any other outcome about one being sent
    (a sent or bounced delivery is never reopened by a late or repeated attempt)."""
    if outcome == "bounced":
        return delivery.state == Delivery.State.SENT
    return delivery.state not in (Delivery.State.SENT, Delivery.State.BOUNCED)


def _is_answer(message: Message) -> bool:
    """A person's public reply: what the customer waits for (never an acknowledgement)."""
    return message.kind == Message.Kind.OUTBOUND and message.sender == Message.Sender.AGENT


def _back_to_waiting(conversation: Conversation, failed: Message, now: datetime) -> list[Any]:
    """The reply never reached the customer: they wait again, since their own message."""
    published = []
    changed = ["updated_at"]
    conversation.updated_at = max(conversation.updated_at, now)
    wait = _customer_wait(conversation, undelivered=failed) or _last_customer_message(conversation)
    if wait is not None and wait != conversation.waiting_since:
        conversation.waiting_since = wait
        changed.append("waiting_since")
    if conversation.status not in _NOT_SET_ASIDE:
        published.append(
            events.reopened(conversation, reason=REOPENED_UNDELIVERED, actor_label="system")
        )
        conversation.status = Conversation.Status.OPEN
        changed.append("status")
    conversation.save(update_fields=changed)
    return published


def _customer_messages(conversation: Conversation) -> Any:
    return Message.objects.filter(
        conversation=conversation,
        kind=Message.Kind.INBOUND,
        sender=Message.Sender.CUSTOMER,
        is_auto_reply=False,
        is_bounce=False,
        is_bulk=False,
    )


def _customer_wait(
    conversation: Conversation,
    *,
    delivered: Message | None = None,
    undelivered: Message | None = None,
) -> datetime | None:
    """When the customer's oldest message that no delivered reply answered arrived (None:
    every message was answered). `delivered` counts as delivered, `undelivered` not,
    whatever their rows say while the outcome is being recorded."""
    answers = Message.objects.filter(
        conversation=conversation,
        kind=Message.Kind.OUTBOUND,
        sender=Message.Sender.AGENT,
        delivery__state=Delivery.State.SENT,
    )
    if undelivered is not None:
        answers = answers.exclude(pk=undelivered.pk)
    answered = answers.aggregate(last=Max("created_at"))["last"]
    if delivered is not None and (answered is None or delivered.created_at > answered):
        answered = delivered.created_at
    waiting = _customer_messages(conversation)
    if answered is not None:
        waiting = waiting.filter(created_at__gt=answered)
    first: datetime | None = (
        waiting.order_by("created_at", "id").values_list("created_at", flat=True).first()
    )
    return first


def _last_customer_message(conversation: Conversation) -> datetime | None:
    """Every message was answered before, but this answer did not arrive: the customer's
    last message is what they wait on. None when the customer never wrote (a conversation
    an agent started): nobody waits, the author is still told."""
    last: datetime | None = (
        _customer_messages(conversation)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return last


def _set_waiting(conversation: Conversation, wait: datetime | None) -> None:
    if wait != conversation.waiting_since:
        conversation.waiting_since = wait
        conversation.save(update_fields=["waiting_since"])


def _log_on_commit(outcome: str, message: Message, conversation: Conversation, error: str) -> None:
    """One line per failure, once it is recorded, for whoever watches the logs."""
    reason = " ".join(error.split()) or "no reason given"
    what = "bounced" if outcome == "bounced" else "failed"
    message_id, reference = message.message_id or f"#{message.pk}", conversation.reference
    transaction.on_commit(
        lambda: logger.warning(
            "delivery %s: message %s in %s: %s", what, message_id, reference, reason
        )
    )


def resend(message: Message, *, actor: Any) -> Message:
    """Send a failed or bounced delivery again, once: the delivery is queued afresh (its
    attempts start over; the previous state, error and attempts are kept in the
    delivery.resend_requested event) and handed to its channel on commit. The same message
    goes out, with the same Message-ID. Raises NotResendable for any other delivery, a
    queued resend included, so a second request changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(message_id=message.pk).first()
        if delivery is None:
            raise NotResendable(None)
        if not delivery.resendable:
            raise NotResendable(delivery.public_state)
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        event = events.delivery_resend_requested(
            conversation,
            message,
            delivery,
            actor=actor,
            previous_state=delivery.state,
            previous_error=delivery.last_error,
            attempts=delivery.attempts,
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
            last_error="",
            sent_at=None,
            updated_at=now,
        )
        conversation.updated_at = max(conversation.updated_at, now)
        conversation.save(update_fields=["updated_at"])
        publish_on_commit(event)
    return Message.objects.select_related("delivery").get(pk=message.pk)
