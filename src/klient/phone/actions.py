"""The only writers of calls and callbacks.

A call is a message of its conversation: a call to the desk is received like any customer
message (conversations.receive: the caller is found or created by their phone number,
the conversation is their open one with the team, else a new one); a call from the desk
is the agent's note of it. The Call row beside the message keeps the numbers, times,
outcome and recording, and every later event of the same provider call updates it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from klient.conversations import actions as conversation_actions
from klient.conversations import uploads
from klient.conversations.incoming import IncomingMessage
from klient.conversations.models import Conversation, Message, Upload
from klient.conversations.outbound_start import start_conversation
from klient.core.wiring import publish_on_commit
from klient.people.actions import find_or_create_customer, phone_region
from klient.people.identities import PHONE, InvalidIdentity, normalise_phone
from klient.people.models import Endpoint, Team

from . import events, texts
from .callbacks import CallbackWish, for_missed_call, request_callback
from .models import Call, Callback, WebhookReceipt
from .providers import CallReport, UnreadablePayload

OPEN_STATES = (
    Conversation.Status.NEW,
    Conversation.Status.OPEN,
    Conversation.Status.PENDING,
    Conversation.Status.ON_HOLD,
)
# A later event never moves a call back: ringing < in progress < over.
_RANK = {"started": 0, "answered": 1, "ended": 2, "missed": 2}


def _number(value: str, what: str) -> str:
    try:
        return normalise_phone(value, phone_region())
    except InvalidIdentity:
        raise UnreadablePayload(f"{what} {value[:32]!r} is not a phone number") from None


def team_for_number(number: str) -> Team:
    """The team whose phone endpoint this is; a number no team has goes to the first."""
    endpoint = Endpoint.objects.filter(kind=Endpoint.Kind.PHONE, value=number).first()
    if endpoint is not None:
        return endpoint.team
    team = Team.objects.order_by("pk").first()
    if team is None:
        raise UnreadablePayload("there is no team to take the call")
    return team


def _agent(email: str) -> Any:
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def _params(call: Call | CallReport | dict[str, Any]) -> dict[str, Any]:
    """The call message's wording parameters (klient.phone.texts.call)."""
    if isinstance(call, dict):
        return call
    customer = call.from_number if call.direction == "inbound" else call.to_number
    return {
        "direction": call.direction,
        "state": call.state if isinstance(call, Call) else call.event,
        "number": customer,
        "duration": call.duration_seconds,
        "notes": call.notes if isinstance(call, Call) else "",
    }


def _word_message(message: Message, params: dict[str, Any]) -> None:
    # The message's text follows its call (conversations.Message.shown_text words it for
    # each reader; body_text keeps the English for search). Only the call's own message.
    text = texts.english(params)
    Message.objects.filter(pk=message.pk).update(
        wording={"kind": texts.CALL, "params": params}, body_text=text, new_text=text
    )
    message.wording = {"kind": texts.CALL, "params": params}
    message.body_text = message.new_text = text


def _open_conversation(customer_id: int, team: Team) -> Conversation | None:
    return (
        Conversation.objects.filter(
            customer_id=customer_id, team=team, status__in=OPEN_STATES, merged_into__isnull=True
        )
        .order_by("-updated_at", "-pk")
        .first()
    )


def _call_message(
    *,
    conversation: Conversation | None,
    team: Team,
    direction: str,
    number: str,
    agent: Any,
    at: datetime,
    params: dict[str, Any],
    key: str,
) -> Message:
    """The timeline message of a new call, in `conversation` or the caller's open one."""
    text = texts.english(params)
    customer = find_or_create_customer(PHONE, number)
    conversation = conversation or _open_conversation(customer.pk, team)
    if direction == "inbound":
        message, _ = conversation_actions.receive_message(
            IncomingMessage(
                team_id=team.pk,
                from_address=number,
                from_name="",
                subject=f"Phone call from {number}",
                body_text=text,
                new_text=text,
                received_at=at,
                message_id=f"<call.{key}@telephony.klient>",
                channel=Conversation.Channel.PHONE,
                from_kind=PHONE,
            ),
            conversation=conversation,
        )
        return message
    if conversation is None:
        if agent is None:
            raise UnreadablePayload(
                "an outbound call to a customer with no open conversation needs agent_email"
            )
        conversation = start_conversation(
            actor=agent,
            team=team,
            channel=Conversation.Channel.PHONE,
            subject=f"Phone call to {number}",
            body=text,
            phone=number,
        )
        return conversation.messages.order_by("-pk").first()  # type: ignore[return-value]
    return conversation_actions.add_note(conversation, actor=agent, body=text)


def record_report(report: CallReport, *, webhook_id: str = "") -> tuple[Call | None, bool]:
    """Record what a genuine webhook says. Returns (call, changed): a delivery already
    taken (same webhook id, or the same event of the same call) changes nothing.

    Precondition: the caller checked the signature (klient.phone.webhooks)."""
    keys = [f"event:{report.event_key}"] + ([f"id:{webhook_id}"] if webhook_id else [])
    customer_number = _number(report.customer_number, "the caller's number")
    desk_number = _number(report.desk_number, "the desk's number")
    now = timezone.now()
    try:
        with transaction.atomic():
            seen = WebhookReceipt.objects.filter(provider=report.provider, key__in=keys).first()
            if seen is not None:
                return seen.call, False
            call = (
                Call.objects.select_for_update()
                .filter(provider=report.provider, provider_call_id=report.call_id)
                .first()
            )
            if call is None:
                call = _new_call(report, customer_number, desk_number, now)
            else:
                _update_call(call, report, now)
            WebhookReceipt.objects.bulk_create(
                [
                    WebhookReceipt(
                        provider=report.provider, key=key[:300], call=call, received_at=now
                    )
                    for key in keys
                ]
            )
            return call, True
    except IntegrityError:
        # The same delivery, taken by a concurrent request meanwhile.
        seen = WebhookReceipt.objects.filter(provider=report.provider, key__in=keys).first()
        if seen is None:
            raise
        return seen.call, False


def _new_call(report: CallReport, customer_number: str, desk_number: str, now: datetime) -> Call:
    agent = _agent(report.agent_email)
    team = team_for_number(desk_number)
    started = report.started_at or report.answered_at or report.ended_at or now
    call = Call(
        provider=report.provider,
        provider_call_id=report.call_id,
        direction=report.direction,
        from_number=customer_number if report.direction == "inbound" else desk_number,
        to_number=desk_number if report.direction == "inbound" else customer_number,
        agent=agent,
        state=report.event,
        outcome=_outcome(report.event),
        duration_seconds=report.duration_seconds,
        recording_url=report.recording_url,
        transcript=report.transcript,
        started_at=started,
        answered_at=report.answered_at,
        ended_at=report.ended_at,
        created_at=now,
        updated_at=now,
    )
    message = _call_message(
        conversation=None,
        team=team,
        direction=report.direction,
        number=customer_number,
        agent=agent,
        at=started,
        params=_params(call),
        key=f"{report.provider}.{report.call_id}",
    )
    call.message = message
    call.conversation_id = message.conversation_id
    _word_message(message, _params(call))
    call.save(force_insert=True)
    publish_on_commit(events.call_logged(call, actor=agent, actor_label=report.provider))
    for_missed_call(call)
    return call


def _outcome(state: str) -> str:
    # An ended call was answered: providers report an unanswered one as missed.
    if state == "missed":
        return Call.Outcome.MISSED
    if state == "ended":
        return Call.Outcome.ANSWERED
    return ""


def _update_call(call: Call, report: CallReport, now: datetime) -> None:
    changed: list[str] = []
    if _RANK[report.event] > _RANK[call.state] or (
        _RANK[report.event] == 2 and report.event != call.state and call.state == "ended"
    ):
        call.state = report.event
        call.outcome = _outcome(report.event)
        changed += ["state", "outcome"]
    for field in ("answered_at", "ended_at", "duration_seconds", "recording_url", "transcript"):
        value = getattr(report, field)
        if value not in (None, "") and getattr(call, field) != value:
            setattr(call, field, value)
            changed.append(field)
    if report.agent_email and call.agent_id is None and (agent := _agent(report.agent_email)):
        call.agent = agent
        changed.append("agent")
    if not changed:
        return
    call.updated_at = now
    call.save(update_fields=[*changed, "updated_at"])
    _word_message(call.message, _params(call))
    publish_on_commit(events.call_updated(call, changed, actor_label=report.provider))
    for_missed_call(call)


def log_call(
    conversation: Conversation,
    *,
    actor: Any,
    direction: str,
    number: str,
    outcome: str,
    started_at: datetime | None = None,
    duration_seconds: int | None = None,
    notes: str = "",
    recording_url: str = "",
    transcript: str = "",
    recording: Upload | None = None,
    callback: CallbackWish | None = None,
) -> Call:
    """A call an agent logs by hand in a conversation (`number` is the customer's). A
    `recording` (the agent's upload) becomes an attachment of the call's message, so it
    is downloaded like any. A missed inbound call creates a callback, as one reported by a
    provider does. `callback`: the customer asked on this call to be called back (a phone
    note): the call and its callback (source phone_note, on the customer's number) are
    stored together or not at all. Precondition: the entry point got `recording` through
    conversations.access.access_uploads."""
    if direction not in Call.Direction.values:
        raise ValidationError("direction must be inbound or outbound.", code="direction")
    if outcome not in Call.Outcome.values:
        raise ValidationError(
            f"outcome must be one of {', '.join(Call.Outcome.values)}.", code="outcome"
        )
    if duration_seconds is not None and duration_seconds < 0:
        raise ValidationError("duration_seconds cannot be negative.", code="duration")
    try:
        customer_number = normalise_phone(number, phone_region())
    except InvalidIdentity:
        raise ValidationError(f"{number[:32]!r} is not a phone number.", code="phone") from None
    now = timezone.now()
    started = started_at or now
    answered = outcome == Call.Outcome.ANSWERED
    desk = Endpoint.objects.filter(team=conversation.team, kind=Endpoint.Kind.PHONE).first()
    desk_number = desk.value if desk else ""
    with transaction.atomic():
        call = Call(
            provider="manual",
            direction=direction,
            from_number=customer_number if direction == "inbound" else desk_number,
            to_number=desk_number if direction == "inbound" else customer_number,
            agent=actor,
            state=Call.State.ENDED if answered else Call.State.MISSED,
            outcome=outcome,
            duration_seconds=duration_seconds,
            notes=notes.strip(),
            recording_url=recording_url,
            transcript=transcript,
            started_at=started,
            answered_at=started if answered else None,
            ended_at=started + timedelta(seconds=duration_seconds or 0),
            created_at=now,
            updated_at=now,
        )
        message = _call_message(
            conversation=conversation,
            team=conversation.team,
            direction=direction,
            number=customer_number,
            agent=actor,
            at=started,
            params=_params(call),
            key=f"manual.{uuid.uuid4().hex}",
        )
        call.message = message
        call.conversation_id = message.conversation_id
        _word_message(message, _params(call))
        if recording is not None:
            files = uploads.locked([recording])
            uploads.check_attachable(files, actor=actor, emailed=False)
            [attachment] = uploads.attach(message, files)
            call.recording_blob = attachment.blob
        call.full_clean(exclude=["conversation", "message", "agent", "from_number", "to_number"])
        call.save(force_insert=True)
        publish_on_commit(events.call_logged(call, actor=actor))
        if callback is None:
            for_missed_call(call)
        else:
            request_callback(
                phone=customer_number,
                window_start=callback.window_start,
                window_end=callback.window_end,
                time_zone=callback.time_zone,
                source=Callback.Source.PHONE_NOTE,
                conversation=conversation,
                actor=actor,
                call=call,
            )
    return call
