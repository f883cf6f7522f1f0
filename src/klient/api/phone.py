"""Phone calls: logged by hand in a conversation, or reported by a telephony provider's
webhook (docs/telephony.md).

POST /telephony/{provider} takes no API token: the provider proves itself by its
signature (generic: Standard Webhooks; twilio: X-Twilio-Signature; vonage: a Bearer JWT;
aircall: the token in the body). Forged, unsigned or over 5 minutes old: 401, nothing
changes. The same delivery again: 200, nothing changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from klient.conversations.access import (
    access_conversation,
    access_team,
    access_uploads,
    conversations_in_scope,
    teams_in_scope,
)
from klient.phone import actions, callbacks, webhooks
from klient.phone.models import Call, Callback, CallbackAttempt
from klient.phone.providers import UnreadablePayload

from .auth import caller
from .schemas import ErrorOut
from .serializers import agent_ref

router = Router(tags=["phone"])


class CallCallbackIn(Schema):
    window_start: datetime | None = Field(None, description="ISO 8601 with offset.")
    window_end: datetime | None = Field(None, description="ISO 8601 with offset.")
    time_zone: str = Field("", description="The customer's IANA zone, e.g. Europe/Warsaw.")


class CallIn(Schema):
    direction: str = Field(..., description="inbound (the customer called) or outbound.")
    number: str = Field(..., description="The customer's number, E.164 or national.")
    outcome: str = Field(..., description="answered, missed, voicemail, no_answer or busy.")
    started_at: datetime | None = Field(None, description="ISO 8601 with offset; now if absent.")
    duration_seconds: int | None = None
    notes: str = ""
    recording_url: str = ""
    transcript: str = ""
    recording: int | None = Field(
        None, description="An upload id (POST /uploads): the recording file, kept by Klient."
    )
    callback: CallCallbackIn | None = Field(
        None, description="The customer asked on this call to be called back in this window."
    )


class CallOut(Schema):
    id: int
    conversation: str
    message: int
    provider: str
    direction: str
    from_number: str = Field(..., alias="from")
    to_number: str = Field(..., alias="to")
    agent: dict[str, Any] | None
    state: str
    outcome: str
    duration_seconds: int | None
    notes: str
    recording_url: str
    recording_attachment: int | None = Field(
        ..., description="The recording file: GET /attachments/{id}."
    )
    transcript: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    callback: int | None


class WebhookOut(Schema):
    call: int | None
    changed: bool = Field(..., description="False for a delivery already taken.")


def call_out(call: Call) -> dict[str, Any]:
    callback = getattr(call, "callback", None)
    return {
        "id": call.pk,
        "conversation": call.conversation.reference,
        "message": call.message_id,
        "provider": call.provider,
        "direction": call.direction,
        "from": call.from_number,
        "to": call.to_number,
        "agent": agent_ref(call.agent),
        "state": call.state,
        "outcome": call.outcome,
        "duration_seconds": call.duration_seconds,
        "notes": call.notes,
        "recording_url": call.recording_url,
        "recording_attachment": next(
            (a.pk for a in call.message.attachments.all() if a.blob == call.recording_blob), None
        )
        if call.recording_blob
        else None,
        "transcript": call.transcript,
        "started_at": call.started_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "callback": callback.pk if callback else None,
    }


@router.post(
    "/conversations/{ref}/calls",
    response={201: CallOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Log a phone call in a conversation",
)
def post_call(request: HttpRequest, ref: str, payload: CallIn) -> Any:
    """The call becomes a message of the conversation's timeline. A missed inbound call
    creates a callback (its id in `callback`); so does a `callback` request (a phone
    note: the customer asked to be called back in a window), stored with the call."""
    agent = caller(request)
    conversation = access_conversation(agent, ref)
    fields = payload.model_dump()
    upload = fields.pop("recording")
    recording = access_uploads(agent, [upload])[0] if upload is not None else None
    wish = fields.pop("callback")
    call = actions.log_call(
        conversation,
        actor=agent,
        recording=recording,
        callback=callbacks.CallbackWish(**wish) if wish is not None else None,
        **fields,
    )
    return Status(
        201, call_out(Call.objects.select_related("conversation", "agent").get(pk=call.pk))
    )


@router.post(
    "/telephony/{provider}",
    response={200: WebhookOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="A telephony provider reports a call (generic, twilio, vonage, aircall)",
)
def telephony_webhook(request: HttpRequest, provider: str) -> Any:
    delivery = webhooks.Delivery(
        # The public URL the provider signed (Twilio): the configured base, not the Host.
        url=settings.KLIENT_BASE_URL.rstrip("/") + request.get_full_path(),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.body,
        content_type=request.content_type or "",
    )
    try:
        call, changed = webhooks.receive(provider, delivery)
    except webhooks.UnknownProvider:
        raise Http404(
            "No such telephony provider; use generic, twilio, vonage or aircall."
        ) from None
    except webhooks.NotGenuine:
        return Status(401, {"detail": "The webhook's signature is missing, wrong or too old."})
    except UnreadablePayload as exc:
        return Status(422, {"detail": f"Cannot read this call: {exc}."})
    return {"call": call.pk if call else None, "changed": changed}


# -- callbacks --------------------------------------------------------------------------------


class CallbackCustomerIn(Schema):
    name: str = ""


class CallbackIn(Schema):
    conversation: str | None = Field(None, description="A reference (K-1042); else a new one.")
    customer: CallbackCustomerIn | None = None
    team: int | str | None = Field(
        None, description="Without a conversation: the team (default: your first)."
    )
    phone: str
    window_start: datetime | None = Field(None, description="ISO 8601 with offset.")
    window_end: datetime | None = Field(None, description="ISO 8601 with offset.")
    time_zone: str = Field("", description="The customer's IANA zone, e.g. Europe/Warsaw.")


class AttemptIn(Schema):
    outcome: str = Field(..., description="reached, no_answer, voicemail or wrong_number.")
    note: str = ""


class AttemptOut(Schema):
    id: int
    outcome: str
    note: str
    agent: dict[str, Any] | None
    at: datetime
    next_attempt_at: datetime | None


class CallbackOut(Schema):
    id: int
    conversation: str
    phone: str
    source: str
    state: str
    window_start: datetime | None
    window_end: datetime | None
    time_zone: str
    due_at: datetime
    target_at: datetime
    overdue: bool
    attempts: list[AttemptOut]
    assignee: dict[str, Any] | None


class CallbackList(Schema):
    items: list[CallbackOut]


def callback_out(callback: Callback) -> dict[str, Any]:
    return {
        "id": callback.pk,
        "conversation": callback.conversation.reference,
        "phone": callback.phone,
        "source": callback.source,
        "state": callback.state,
        "window_start": callback.window_start,
        "window_end": callback.window_end,
        "time_zone": callback.time_zone,
        "due_at": callback.due_at,
        "target_at": callback.target_at,
        "overdue": callback.state == Callback.State.DUE and callback.target_at < timezone.now(),
        "attempts": [
            {
                "id": a.pk,
                "outcome": a.outcome,
                "note": a.note,
                "agent": agent_ref(a.agent),
                "at": a.at,
                "next_attempt_at": a.next_attempt_at,
            }
            for a in CallbackAttempt.objects.filter(callback=callback).select_related("agent")
        ],
        "assignee": agent_ref(callback.assignee),
    }


def _callback(request: HttpRequest, id: int) -> Callback:
    user = caller(request)
    found = (
        Callback.objects.filter(pk=id, conversation__in=_scope(user))
        .select_related("conversation", "assignee")
        .first()
    )
    if found is None:
        raise Http404("No such callback.")
    return found


def _scope(user: Any) -> Any:
    return conversations_in_scope(user)


@router.post(
    "/callbacks",
    response={201: CallbackOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A customer asks to be called back in a window",
)
def post_callback(request: HttpRequest, payload: CallbackIn) -> Any:
    """In `conversation`, or for the customer with that phone number (found or created) in
    a new conversation of `team`. Due at once or when the window opens; its own target is
    KLIENT_CALLBACK_TARGET_MINUTES later, never past the window's end."""
    user = caller(request)
    conversation = access_conversation(user, payload.conversation) if payload.conversation else None
    team = None
    if conversation is None:
        team = access_team(user, payload.team) if payload.team is not None else None
        team = team or teams_in_scope(user).order_by("pk").first()
    callback = callbacks.request_callback(
        phone=payload.phone,
        window_start=payload.window_start,
        window_end=payload.window_end,
        time_zone=payload.time_zone,
        source=Callback.Source.API,
        conversation=conversation,
        team=team,
        customer_name=payload.customer.name if payload.customer else "",
        actor=user,
    )
    return Status(201, callback_out(_callback(request, callback.pk)))


@router.get(
    "/callbacks",
    response={200: CallbackList, 401: ErrorOut},
    summary="Callbacks due, soonest first (your teams' conversations)",
)
def list_callbacks(request: HttpRequest) -> Any:
    return {"items": [callback_out(c) for c in callbacks.due_callbacks(caller(request))[:200]]}


@router.post(
    "/callbacks/{id}/attempts",
    response={201: CallbackOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Log an attempt to call back: reached, no_answer, voicemail or wrong_number",
)
def post_attempt(request: HttpRequest, id: int, payload: AttemptIn) -> Any:
    """After a missed attempt the customer is told, in their language, when the next will
    be (at most KLIENT_CALLBACK_ATTEMPTS, KLIENT_CALLBACK_RETRY_MINUTES apart), and after
    the last what they can do."""
    callback = _callback(request, id)
    callbacks.record_attempt(callback, actor=caller(request), **payload.model_dump())
    return Status(201, callback_out(_callback(request, id)))
