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
from ninja import Field, Router, Schema, Status

from klient.conversations.access import access_conversation
from klient.phone import actions, webhooks
from klient.phone.models import Call
from klient.phone.providers import UnreadablePayload

from .auth import caller
from .schemas import ErrorOut
from .serializers import agent_ref

router = Router(tags=["phone"])


class CallIn(Schema):
    direction: str = Field(..., description="inbound (the customer called) or outbound.")
    number: str = Field(..., description="The customer's number, E.164 or national.")
    outcome: str = Field(..., description="answered, missed, voicemail, no_answer or busy.")
    started_at: datetime | None = Field(None, description="ISO 8601 with offset; now if absent.")
    duration_seconds: int | None = None
    notes: str = ""
    recording_url: str = ""
    transcript: str = ""


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
    creates a callback (its id in `callback`)."""
    agent = caller(request)
    conversation = access_conversation(agent, ref)
    call = actions.log_call(conversation, actor=agent, **payload.model_dump())
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
