"""What the API accepts and returns. No rules here: validation lives in the actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict


class ErrorOut(Schema):
    detail: str


class UnknownFilterOut(Schema):
    detail: str
    allowed: list[str]


class TeamRef(Schema):
    id: int
    name: str


class AgentRef(Schema):
    id: int
    name: str
    email: str


class CustomerRef(Schema):
    id: int
    name: str
    email: str


class SlaOut(Schema):
    """A conversation's SLA clock as last computed from its events (docs/sla.md)."""

    policy: str
    first_reply_due: datetime | None
    next_reply_due: datetime | None
    update_due: datetime | None
    resolution_due: datetime | None
    due_at: datetime | None = Field(..., description="The earliest of the running targets.")
    paused: bool
    stopped: bool
    breached: list[str] = Field(..., description="Targets whose open cycle is past due.")
    first_reply_at: datetime | None


class ConversationOut(Schema):
    ref: str
    url: str
    subject: str
    status: str
    priority: str
    channel: str
    language: str
    team: TeamRef
    customer: CustomerRef
    assignee: AgentRef | None
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime | None
    merged_into: str | None = Field(
        None, description="The reference this conversation was merged into, if it was."
    )
    sla: SlaOut | None = Field(..., description="Null when no SLA policy applies.")


class ConversationPage(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    download_url: str


class DeliveryOut(Schema):
    state: str
    attempts: int
    last_error: str
    sent_at: datetime | None
    channel: str = "email"


class SenderOut(Schema):
    address: str
    name: str


class FlagsOut(Schema):
    auto_reply: bool
    bounce: bool
    bulk: bool
    remote_images: bool


class MessageOut(Schema):
    id: int
    kind: str
    sender: str
    author_id: int | None
    from_: SenderOut = Field(..., alias="from")
    to: list[str]
    cc: list[str]
    subject: str
    new_text: str
    body_text: str
    body_html: str = Field(..., description="Sanitised HTML; remote images blocked.")
    language: str
    message_id: str | None
    flags: FlagsOut
    created_at: datetime
    attachments: list[AttachmentOut]
    delivery: DeliveryOut | None


class EventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor_id: int | None
    actor_label: str
    data: dict[str, Any]


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]
    events: list[EventOut]


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str
    status: str | None = None
    # Answer on another channel the customer can be reached on (email, web, phone, ...);
    # the conversation's own channel when absent.
    channel: str | None = None


class CheckReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class FindingOut(Schema):
    """A pre-send check's finding on a draft; advice, it never blocks sending."""

    check: str = Field(..., description="The check that found it.")
    category: str
    message: str = Field(..., description="Why it was flagged.")
    start: int | None = Field(None, description="Start of the span in the body (characters).")
    end: int | None = Field(None, description="End of the span in the body (exclusive).")
    excerpt: str = ""
    suggestion: str | None = Field(None, description="Other wording, if the check has one.")


class FindingsOut(Schema):
    findings: list[FindingOut]


class ReplyOut(MessageOut):
    findings: list[FindingOut] = Field(
        ..., description="The pre-send checks' findings on the body, as check-reply gives."
    )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class ConversationPatchIn(Schema):
    """Only the fields present change; "assignee": null unassigns."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    priority: str | None = None
    assignee: int | None = None
    team: int | None = None


class QuarantinedOut(Schema):
    id: int
    reason: str
    source: str
    received_at: datetime
    size: int
    envelope_from: str
    envelope_to: list[str]
    attempts: int


class QuarantinePage(Schema):
    items: list[QuarantinedOut]
    next_cursor: str | None


class RetryOut(Schema):
    id: int
    outcome: str
    state: str
    reason: str


class DiscardIn(Schema):
    reason: str


class DiscardOut(Schema):
    id: int
    state: str
    reason: str = Field(description="Why it was quarantined.")
    discard_reason: str
    discarded_by: int | None = Field(description="The administrator's agent id.")
    discarded_at: datetime
