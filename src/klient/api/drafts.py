"""/conversations/{ref}/draft and /messages/{id}/undo: the caller's draft reply in a
conversation, and taking back a reply before it is sent.

Thin: objects through conversations.access (404 outside the caller's scope; a draft is
only ever its own agent's), one writer of conversations.drafts, an answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from klient.conversations import drafts
from klient.conversations.access import access_conversation, access_own_message
from klient.conversations.models import Draft

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["drafts"])


class DraftIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., description="The reply as written so far, kept exactly.")
    attachments: list[int] = Field(
        default_factory=list, description="Upload ids (POST /uploads); checked when sent."
    )


class DraftOut(Schema):
    conversation: str = Field(..., description='The conversation\'s reference, "K-1042".')
    body: str
    attachments: list[int]
    updated_at: datetime


def draft_out(draft: Draft, reference: str) -> dict[str, Any]:
    return {
        "conversation": reference,
        "body": draft.body,
        "attachments": list(draft.attachments),
        "updated_at": draft.updated_at,
    }


@router.get(
    "/conversations/{ref}/draft",
    response={200: DraftOut, 401: ErrorOut, 404: ErrorOut},
    summary="Your draft reply in this conversation",
)
def get_draft(request: HttpRequest, ref: str) -> Any:
    """404 when you have none (other agents' drafts are never shown)."""
    conversation = access_conversation(caller(request), ref)
    draft = drafts.draft_of(conversation, caller(request))
    if draft is None:
        raise Http404(f"You have no draft in {conversation.reference}.")
    return draft_out(draft, conversation.reference)


@router.put(
    "/conversations/{ref}/draft",
    response={200: DraftOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Save your draft reply in this conversation",
)
def put_draft(request: HttpRequest, ref: str, payload: DraftIn) -> Any:
    """Replaces your draft. Saving a draft is not an event of the conversation."""
    conversation = access_conversation(caller(request), ref)
    draft = drafts.save_draft(
        conversation, agent=caller(request), body=payload.body, attachments=payload.attachments
    )
    return draft_out(draft, conversation.reference)


@router.delete(
    "/conversations/{ref}/draft",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary="Discard your draft reply in this conversation",
)
def delete_draft(request: HttpRequest, ref: str) -> Any:
    """204; 404 when you had none."""
    conversation = access_conversation(caller(request), ref)
    if not drafts.discard_draft(conversation, agent=caller(request)):
        raise Http404(f"You have no draft in {conversation.reference}.")
    return Status(204, None)


@router.post(
    "/messages/{id}/undo",
    response={200: DraftOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Undo a reply you sent, while it waits to be sent",
)
def undo_message(request: HttpRequest, id: int) -> Any:
    """Within KLIENT_UNDO_SEND_SECONDS of sending: the reply is deleted before anything is
    sent, and its text and attachments are your draft again (the answer). 409 once it has
    been handed to its channel; 404 for a message you did not write or cannot see."""
    message = access_own_message(caller(request), id)
    try:
        draft = drafts.undo_reply(message, actor=caller(request))
    except drafts.TooLateToUndo as exc:
        return Status(409, {"detail": str(exc)})
    return draft_out(draft, message.conversation.reference)
