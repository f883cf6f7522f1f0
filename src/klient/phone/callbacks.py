"""The only writers of callbacks: a customer asks to be called back (portal, API, a
missed call), agents log their attempts, and the customer is told what comes next.

Scheduling is klient.phone.scheduling's (pure); who calls is the assignment hook's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klient.conversations import actions as conversation_actions
from klient.conversations.access import conversations_in_scope
from klient.conversations.incoming import IncomingMessage
from klient.conversations.models import Conversation
from klient.core.wiring import publish_on_commit
from klient.people.actions import find_or_create_customer, phone_region, valid_time_zone
from klient.people.identities import PHONE, InvalidIdentity, normalise_phone
from klient.people.models import Customer, Team

from . import events, scheduling
from .assignment import callback_assignee
from .customer_texts import attempt_notice
from .models import Call, Callback, CallbackAttempt

MISSED = (
    CallbackAttempt.Outcome.NO_ANSWER,
    CallbackAttempt.Outcome.VOICEMAIL,
    CallbackAttempt.Outcome.WRONG_NUMBER,
)


@dataclass(frozen=True)
class CallbackWish:
    """What a customer said on the phone about being called back, as the agent notes it:
    a window (ISO 8601 with offsets) and, if known, their zone."""

    window_start: datetime | None = None
    window_end: datetime | None = None
    time_zone: str = ""


def max_attempts() -> int:
    return int(settings.KLIENT_CALLBACK_ATTEMPTS)


def retry_spacing() -> timedelta:
    return timedelta(minutes=int(settings.KLIENT_CALLBACK_RETRY_MINUTES))


def callback_target() -> timedelta:
    """How long after it is due an attempt must be made (KLIENT_CALLBACK_TARGET_MINUTES)."""
    return timedelta(minutes=int(settings.KLIENT_CALLBACK_TARGET_MINUTES))


def _window(start: datetime | None, end: datetime | None) -> scheduling.Window:
    for value in (start, end):
        if value is not None and timezone.is_naive(value):
            raise ValidationError(
                "window_start and window_end are ISO 8601 with an offset.", code="naive"
            )
    try:
        return scheduling.Window(start, end)
    except ValueError:
        raise ValidationError("The window ends before it starts.", code="window") from None


def _phone(value: str) -> str:
    try:
        return normalise_phone(value, phone_region())
    except InvalidIdentity:
        raise ValidationError(f"{value[:32]!r} is not a phone number.", code="phone") from None


def _new(
    *,
    conversation: Conversation,
    phone: str,
    source: str,
    window: scheduling.Window,
    time_zone: str,
    call: Call | None = None,
    actor: Any = None,
) -> Callback:
    now = timezone.now()
    due = scheduling.first_attempt(now, window)
    callback = Callback.objects.create(
        conversation=conversation,
        customer_id=conversation.customer_id,
        phone=phone,
        source=source,
        call=call,
        window_start=window.start,
        window_end=window.end,
        time_zone=time_zone,
        due_at=due,
        target_at=scheduling.sla_target(due, window, callback_target()),
        assignee=callback_assignee(conversation),
        created_at=now,
        updated_at=now,
    )
    publish_on_commit(
        events.callback_requested(callback, actor=actor, actor_label="" if actor else source)
    )
    return callback


def for_missed_call(call: Call) -> Callback | None:
    """A missed call to the desk is a call the desk owes back: one callback per call."""
    if call.direction != Call.Direction.INBOUND or call.state != Call.State.MISSED:
        return None
    if Callback.objects.filter(call=call).exists():
        return None
    return _new(
        conversation=call.conversation,
        phone=call.from_number,
        source=Callback.Source.MISSED_CALL,
        window=scheduling.Window(),
        time_zone="",
        call=call,
    )


def request_callback(
    *,
    phone: str,
    window_start: datetime | None,
    window_end: datetime | None,
    time_zone: str,
    source: str,
    conversation: Conversation | None = None,
    team: Team | None = None,
    customer_name: str = "",
    actor: Any = None,
    call: Call | None = None,
) -> Callback:
    """A customer asks to be called back at `phone` in their window. Without a
    conversation, the customer is found or created by that number and the request opens
    a conversation of `team` on the phone channel (their words: "Please call me back").
    `call`: the call during which they asked (a phone note), answered by this callback."""
    number = _phone(phone)
    window = _window(window_start, window_end)
    zone = valid_time_zone(time_zone) if time_zone else ""
    if time_zone and not zone:
        raise ValidationError(f"Unknown time zone {time_zone[:64]!r}.", code="time_zone")
    if source not in Callback.Source.values:
        raise ValidationError("Unknown source.", code="source")
    with transaction.atomic():
        if conversation is None:
            if team is None:
                raise ValidationError("A callback needs a conversation or a team.", code="team")
            customer = find_or_create_customer(PHONE, number, customer_name)
            conversation = _request_conversation(customer, team, number)
        return _new(
            conversation=conversation,
            phone=number,
            source=source,
            window=window,
            time_zone=zone or conversation.customer.time_zone,
            call=call,
            actor=actor,
        )


def _request_conversation(customer: Customer, team: Team, number: str) -> Conversation:
    text = f"Please call me back at {number}."
    message, _ = conversation_actions.receive_message(
        IncomingMessage(
            team_id=team.pk,
            from_address=number,
            from_name=customer.name,
            subject="Callback request",
            body_text=text,
            new_text=text,
            received_at=timezone.now(),
            channel=Conversation.Channel.PHONE,
            from_kind=PHONE,
        )
    )
    return message.conversation


def record_attempt(
    callback: Callback, *, actor: Any, outcome: str, note: str = ""
) -> CallbackAttempt:
    """Log one attempt. Reached: done. Missed: the next attempt is scheduled (inside the
    window when it can be) and the customer told when; after the last attempt, or a wrong
    number, the callback is given up and the customer told what they can do."""
    if outcome not in CallbackAttempt.Outcome.values:
        raise ValidationError(
            f"outcome must be one of {', '.join(CallbackAttempt.Outcome.values)}.",
            code="outcome",
        )
    now = timezone.now()
    with transaction.atomic():
        callback = (
            Callback.objects.select_for_update()
            .select_related("conversation", "customer")
            .get(pk=callback.pk)
        )
        if callback.state != Callback.State.DUE:
            raise ValidationError("This callback is closed already.", code="closed")
        callback.attempts += 1
        next_at = None
        if outcome == CallbackAttempt.Outcome.REACHED:
            callback.state = Callback.State.REACHED
        elif outcome != CallbackAttempt.Outcome.WRONG_NUMBER:
            next_at = scheduling.next_attempt(
                last_attempt=now,
                attempts_made=callback.attempts,
                window=scheduling.Window(callback.window_start, callback.window_end),
                max_attempts=max_attempts(),
                retry=retry_spacing(),
            )
        if outcome in MISSED and next_at is None:
            callback.state = Callback.State.GIVEN_UP
        if next_at is not None:
            callback.due_at = next_at
            callback.target_at = scheduling.sla_target(
                next_at,
                scheduling.Window(callback.window_start, callback.window_end),
                callback_target(),
            )
        callback.updated_at = now
        callback.save(update_fields=["attempts", "state", "due_at", "target_at", "updated_at"])
        attempt = CallbackAttempt.objects.create(
            callback=callback,
            outcome=outcome,
            note=note.strip(),
            agent=actor,
            at=now,
            next_attempt_at=next_at,
        )
        told = None
        if outcome in MISSED:
            message = conversation_actions.tell_customer(
                callback.conversation,
                body=attempt_notice(
                    outcome=outcome,
                    phone=callback.phone,
                    next_attempt=next_at,
                    language=callback.customer.language,
                    conversation_language=callback.conversation.language,
                    time_zone=callback.time_zone or callback.customer.time_zone,
                ),
            )
            told = message.pk if message else None
        publish_on_commit(events.callback_attempted(callback, attempt, actor=actor, told=told))
    return attempt


def due_callbacks(user: Any) -> Any:
    """Open callbacks in conversations `user` may see, soonest due first."""
    return (
        Callback.objects.filter(
            state=Callback.State.DUE, conversation__in=conversations_in_scope(user)
        )
        .select_related("conversation", "customer", "assignee")
        .order_by("due_at", "pk")
    )
