"""/messages/{id}/resend: send a reply that was not delivered again.

Thin: the message through conversations.access, one action, the message as it is now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from klient.conversations import actions
from klient.conversations.access import access_message
from klient.conversations.models import Message

from .auth import caller
from .schemas import ErrorOut, MessageOut
from .serializers import message_out

router = Router(tags=["messages"])


@router.post(
    "/messages/{id}/resend",
    response={202: MessageOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    by_alias=True,
    summary="Resend a reply whose delivery failed or bounced",
)
def resend_message(request: HttpRequest, id: int) -> Any:
    """Queues the same message again, with the same Message-ID (202: its delivery is
    "queued"). 409 unless its delivery is failed or bounced: a resend already queued,
    sending or sent is not repeated."""
    message = access_message(caller(request), id)
    try:
        actions.resend(message, actor=caller(request))
    except actions.NotResendable as exc:
        return Status(409, {"detail": str(exc)})
    resent = Message.objects.select_related("delivery").prefetch_related("attachments").get(pk=id)
    return Status(202, message_out(resent))
