"""POST /conversations/{ref}/merge: merge a duplicate into another conversation.

Thin: both conversations through conversations.access (404 outside the caller's scope),
one action (klient.conversations.merge), the source answered with `merged_into`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from klient.conversations.access import access_conversation
from klient.conversations.merge import merge_conversations
from klient.conversations.models import Conversation

from .auth import caller
from .conversations import rows_with_sla, with_sla
from .schemas import ConversationOut, ErrorOut

router = Router(tags=["conversations"])


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    into: str = Field(..., description='The reference of the conversation that survives, "K-1043".')
    allow_other_customer: bool = Field(
        False,
        description="Confirm a merge across two customers: the survivor's replies then go "
        "to a thread the other customer wrote in. Refused (422) without it.",
    )


class MergedConversationOut(ConversationOut):
    merged_into: str | None = Field(
        ..., description="The reference of the conversation this one now lives in."
    )


@router.post(
    "/conversations/{ref}/merge",
    response={200: MergedConversationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Merge this conversation into another",
)
def merge_conversation(request: HttpRequest, ref: str, payload: MergeIn) -> Any:
    """Messages, attachments, notes, participants and tags move to `into` (or to the
    conversation it was merged into); this one is closed and answers with `merged_into`.
    Repeating a done merge changes nothing. 404 when either conversation is outside your
    scope; 422 for a merge into itself, of an already merged conversation elsewhere, or
    across customers without `allow_other_customer`."""
    user = caller(request)
    source = access_conversation(user, ref)
    target = access_conversation(user, payload.into)
    source = merge_conversations(
        source, target, actor=user, allow_other_customer=payload.allow_other_customer
    )
    survivor = Conversation(pk=source.merged_into_id)  # only for its reference
    return {**with_sla(rows_with_sla().get(pk=source.pk)), "merged_into": survivor.reference}
