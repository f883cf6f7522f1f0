"""/conversations: the inbox, one conversation, replies, notes and changes.

Thin: parse, get the object through conversations.access, call one action, answer."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from klient.conversations import actions, checks, transfers
from klient.conversations.access import access_conversation, access_team, access_uploads
from klient.conversations.models import Conversation
from klient.conversations.outbound_start import start_conversation
from klient.conversations.queries import (
    DEFAULT_LIMIT,
    DEFAULT_SORT,
    MAX_LIMIT,
    SORTS,
    FilterError,
    allowed_params,
    conversation_rows,
    filtered,
    page_of,
    parse_inbox_params,
)
from klient.people.models import Team
from klient.promises.actions import offer_from_message
from klient.sla.models import ConversationSla

from .auth import caller
from .schemas import (
    CheckReplyIn,
    ConversationDetailOut,
    ConversationOut,
    ConversationPage,
    ConversationPatchIn,
    ErrorOut,
    FindingsOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    ReplyOut,
    StartConversationIn,
    UnknownFilterOut,
)
from .serializers import conversation_out, event_out, message_out
from .tag_names import tag_names

router = Router(tags=["conversations"])

# What a write that takes uploads ("attachments") may answer besides its success: 404 also
# for an upload that is not yours, 409 for one already attached, 413 for files too large.
WITH_FILES_REFUSED = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class InboxParams(Schema):
    """Documented here; parsed (and unknown names refused) by conversations.queries, where
    other layers may register more filters (register_inbox_filter)."""

    status: str | None = Field(None, description="One or more statuses, comma-separated.")
    team: str | None = Field(None, description="Team id or name.")
    assignee: str | None = Field(None, description='Agent id, "me" or "none".')
    customer: str | None = Field(None, description="Customer id or email address.")
    q: str | None = Field(
        None,
        description="Words in the subject or any message (full-text), a reference, a customer.",
    )
    language: str | None = Field(None, description="Language code, e.g. fr.")
    channel: str | None = Field(None, description="email, web, chat or phone.")
    tag: str | None = Field(None, description="A tag name (case-insensitive).")
    automatic: str | None = Field(
        None,
        description="true: only the conversations opened by automatic replies alone "
        "(administrators only; empty for anyone else); false (default): everyone else's.",
    )
    sort: str | None = Field(
        None,
        description="newest (default: newest activity first), oldest (oldest activity "
        "first), waiting (the customer waiting longest first, then the others by newest "
        "activity) or priority (urgent first, then waiting longest). Give the same sort "
        "with each cursor.",
    )
    cursor: str | None = Field(None, description="next_cursor of the previous page.")
    limit: str | None = Field(
        None, description=f"Page size, default {DEFAULT_LIMIT}, max {MAX_LIMIT}."
    )


@router.get(
    "",
    response={200: ConversationPage, 400: UnknownFilterOut, 401: ErrorOut},
    summary="List the conversations you can see",
)
def list_conversations(request: HttpRequest, params: Query[InboxParams]) -> Any:
    """In keyset pages, newest activity first unless `sort` says otherwise. Unknown
    parameters and sorts are refused (400)."""
    try:
        query = parse_inbox_params(request.GET)
    except FilterError as exc:
        return Status(400, {"detail": str(exc), "allowed": list(allowed_params())})
    # The inbox's page, with each conversation's SLA state joined in the same query.
    user = caller(request)
    rows = filtered(user, query, rows_with_sla())
    ordering = SORTS[query.sort or DEFAULT_SORT]
    try:
        page = page_of(user, rows, ordering, query.after, query.limit, text=query.text)
    except FilterError as exc:  # a cursor of another sort
        return Status(400, {"detail": str(exc), "allowed": list(allowed_params())})
    return {"items": [with_sla(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/{ref}",
    response={200: ConversationDetailOut, 401: ErrorOut, 404: ErrorOut},
    by_alias=True,
    summary="One conversation with its messages and events",
)
def get_conversation(request: HttpRequest, ref: str) -> Any:
    return _detail(access_conversation(caller(request), ref, queryset=rows_with_sla()))


def _detail(conversation: Conversation) -> dict[str, Any]:
    """A conversation loaded by rows_with_sla(), with its messages and events."""
    messages = conversation.messages.select_related("delivery", "sentiment").prefetch_related(
        "attachments"
    )
    return {
        **with_sla(conversation),
        "messages": [message_out(m) for m in messages],
        "events": [event_out(e) for e in conversation.events.order_by("at", "id")],
    }


@router.post(
    "",
    response={201: ConversationDetailOut, **WITH_FILES_REFUSED},
    by_alias=True,
    summary="Start a conversation: an email to a customer, or a logged phone call",
)
def post_conversation(request: HttpRequest, payload: StartConversationIn) -> Any:
    """The customer is found or created by `customer.email` (channel email: the body is
    sent to them by email) or `customer.phone` (channel phone: the body records the call,
    nothing is sent). `team` is one of yours (404 otherwise); the answer is the
    conversation as GET /conversations/{ref} gives it."""
    agent = caller(request)
    conversation = start_conversation(
        actor=agent,
        team=access_team(agent, payload.team),
        channel=payload.channel,
        subject=payload.subject,
        body=payload.body,
        email=payload.customer.email or "",
        phone=payload.customer.phone or "",
        name=payload.customer.name or "",
        status=payload.status,
        attachments=access_uploads(agent, payload.attachments),
    )
    return Status(201, _detail(rows_with_sla().get(pk=conversation.pk)))


@router.post(
    "/{ref}/replies",
    response={201: ReplyOut, **WITH_FILES_REFUSED},
    by_alias=True,
    summary="Reply to the customer",
)
def post_reply(request: HttpRequest, ref: str, payload: ReplyIn) -> Any:
    """`attachments`: ids of your uploads, sent with the email as files (404 for an id
    that is not yours, 409 for one already attached, 413 when together they exceed
    KLIENT_MAX_MESSAGE_BYTES)."""
    conversation = access_conversation(caller(request), ref)
    files = access_uploads(caller(request), payload.attachments)
    findings = _findings(conversation, caller(request), payload.body, payload.channel)
    message = actions.reply(
        conversation,
        actor=caller(request),
        body=payload.body,
        status=payload.status,
        channel=payload.channel,
        attachments=files,
    )
    offered = [
        {
            "id": p.pk,
            "quote": p.quote,
            "due": p.due_at.astimezone(ZoneInfo(p.time_zone)).isoformat(),
            "state": p.state,
        }
        for p in offer_from_message(message)
    ]
    return Status(201, {**message_out(message), "findings": findings, "promises": offered})


@router.post(
    "/{ref}/check-reply",
    response={200: FindingsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Run the pre-send checks on a draft reply, without sending it",
)
def check_reply(request: HttpRequest, ref: str, payload: CheckReplyIn) -> Any:
    conversation = access_conversation(caller(request), ref)
    return {"findings": _findings(conversation, caller(request), payload.body)}


def _findings(
    conversation: Conversation, author: Any, body: str, channel: str | None = None
) -> list[dict[str, Any]]:
    draft = checks.draft_for(conversation, author=author, body=body, channel=channel)
    return [finding.to_json() for finding in checks.check_reply(draft)]


@router.post(
    "/{ref}/notes",
    response={201: MessageOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Add an internal note",
)
def post_note(request: HttpRequest, ref: str, payload: NoteIn) -> Any:
    """`attachments`: ids of your uploads, shown to agents with the note, never emailed."""
    conversation = access_conversation(caller(request), ref)
    files = access_uploads(caller(request), payload.attachments)
    message = actions.add_note(
        conversation, actor=caller(request), body=payload.body, attachments=files
    )
    return Status(201, message_out(message))


@router.patch(
    "/{ref}",
    response={200: ConversationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change status, priority, assignee or team",
)
def patch_conversation(request: HttpRequest, ref: str, payload: ConversationPatchIn) -> Any:
    conversation = access_conversation(caller(request), ref)
    given = payload.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("status", "priority", "team"):
        if name in given and getattr(payload, name) is None:
            raise ValidationError(f"{name} cannot be null.")
    if "status" in given:
        changes["status"] = payload.status
    if "priority" in given:
        changes["priority"] = payload.priority
    if "assignee" in given:
        changes["assignee"] = None if payload.assignee is None else _agent(payload.assignee)
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            raise ValidationError(f"No team with id {payload.team}.")
        changes["team"] = team
    me = caller(request)
    moving = transfers.is_handover(
        conversation,
        actor=me,
        assignee=changes.get("assignee", transfers.UNCHANGED),
        team=changes.get("team"),
    )
    if moving:
        note = transfers.refuse_handover_without_note(payload.note)
        transfers.transfer(
            conversation,
            actor=me,
            note=note,
            agent=changes.pop("assignee", None),
            team=changes.pop("team", None),
        )
    actions.update_conversation(conversation, actor=me, **changes)
    # Not through access_conversation: a transfer may take it out of the caller's scope.
    return with_sla(rows_with_sla().get(pk=conversation.pk))


def rows_with_sla() -> QuerySet[Conversation]:
    """conversation_rows() with the stored SLA state, its policy and the tags in the same
    query."""
    return conversation_rows().select_related("sla__policy").annotate(tag_names=tag_names())


def with_sla(conversation: Conversation) -> dict[str, Any]:
    """conversation_out plus its SLA state (loaded by rows_with_sla)."""
    try:
        state: ConversationSla | None = conversation.sla
    except ObjectDoesNotExist:
        state = None
    return {**conversation_out(conversation), "sla": sla_out(state)}


def sla_out(state: ConversationSla | None) -> dict[str, Any] | None:
    """The SLA object of the API; None (null) when no policy applies."""
    if state is None or state.policy is None:
        return None
    return {
        "policy": state.policy.name,
        "first_reply_due": state.first_reply_due,
        "next_reply_due": state.next_reply_due,
        "update_due": state.update_due,
        "resolution_due": state.resolution_due,
        "due_at": state.due_at,
        "paused": state.paused,
        "stopped": state.stopped,
        "breached": list(state.breached or []),
        "first_reply_at": state.first_reply_at,
    }


def _agent(user_id: int) -> Any:
    agent = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if agent is None:
        raise ValidationError(f"No active agent with id {user_id}.")
    return agent
