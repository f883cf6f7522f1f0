"""What the API accepts and returns. No rules here: validation lives in the actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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
    automatic: bool = Field(
        False,
        description="Opened by automatic replies alone (out of office, receipts); only "
        "administrators list these, with automatic=true.",
    )
    tags: list[str] = Field([], description="The conversation's tags, sorted.")
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
    state: Literal["queued", "sending", "sent", "failed", "bounced"] = Field(
        ...,
        description="queued (waiting to be sent, or to be retried), sending, sent, "
        "failed (refused for good, or given up) or bounced (sent, then returned).",
    )
    attempts: int = Field(..., description="Attempts since it was queued or last resent.")
    error: str | None = Field(
        ..., description="Why the last attempt failed, as the relay said it; null if none."
    )
    updated_at: datetime = Field(..., description="When the state last changed.")
    last_error: str = Field(..., description="The same as error, empty when there is none.")
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


class MessageSentimentOut(Schema):
    label: str = Field(..., description="negative, neutral or positive")
    score: float = Field(..., description="From -1 (most negative) to 1 (most positive).")
    at_risk: bool
    reasons: list[dict[str, Any]]


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
    auto_score: float | None = Field(
        None,
        description="How automatic the mail reads, 0 to 1 (1 when a header or delivery report"
        " decided); the message is an auto-reply at 0.6 or more. Null for agents' messages.",
    )
    auto_reasons: list[str] = Field(
        default_factory=list,
        description="Signals behind auto_score: header, delivery_report, subject, absence,"
        " return_date, stand_in, not_forwarded, left, automatic, received, no_reply,"
        " not_monitored, thanks_for_contacting, case_number, team_reply, redirect,"
        " service_notice, office_closed, delivery_failure, header_hint, no_question; against"
        " it: question, forward, quoted.",
    )
    created_at: datetime
    attachments: list[AttachmentOut]
    delivery: DeliveryOut | None
    sentiment: MessageSentimentOut | None = Field(
        None,
        description="Inbound customer messages: label, score, at_risk, reasons (issue 17);"
        " null for other messages and until the message is analysed.",
    )


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


class UploadOut(Schema):
    id: int = Field(..., description='Give it in "attachments" to attach the file.')
    filename: str = Field(..., description="Normalised as inbound attachments' names are.")
    size: int
    content_type: str


UPLOAD_IDS = "Ids of your uploads (POST /api/v1/uploads); each can be attached once."


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str
    status: str | None = None
    # Answer on another channel the customer can be reached on (email, web, phone, ...);
    # the conversation's own channel when absent.
    channel: str | None = None
    attachments: list[int] = Field(default_factory=list, description=UPLOAD_IDS)


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


class OfferedPromiseOut(Schema):
    """A promise found in a reply: confirm it with POST /promises/{id}/confirm."""

    id: int
    quote: str
    due: str = Field(..., description="ISO 8601 with the conversation's zone offset.")
    state: str


class ReplyOut(MessageOut):
    findings: list[FindingOut] = Field(
        ..., description="The pre-send checks' findings on the body, as check-reply gives."
    )
    promises: list[OfferedPromiseOut] = Field(
        default_factory=list, description="Promises found in the reply, offered to confirm."
    )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str
    attachments: list[int] = Field(
        default_factory=list, description=f"{UPLOAD_IDS} Shown to agents only, never emailed."
    )


class CustomerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(None, description="For an email conversation.")
    phone: str | None = Field(
        None, description="For a phone conversation; national numbers in KLIENT_PHONE_REGION."
    )
    name: str | None = None


class StartConversationIn(Schema):
    """A conversation an agent starts. The customer is found or created by the channel's
    identity (email address or phone number)."""

    model_config = ConfigDict(extra="forbid")

    customer: CustomerIn
    team: int | str = Field(..., description="Id or name of one of your teams.")
    subject: str
    body: str = Field(
        ..., description="The email to the customer, or (phone) what was said on the call."
    )
    channel: str = Field(..., description="email (sent to the customer) or phone (a logged call).")
    attachments: list[int] = Field(default_factory=list, description=UPLOAD_IDS)
    status: str | None = Field(None, description="The status after it; open by default.")


class ConversationPatchIn(Schema):
    """Only the fields present change; "assignee": null unassigns. Moving the conversation
    from its agent to another, or to another team, needs "note" (the handover note)."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    priority: str | None = None
    assignee: int | None = None
    team: int | None = None
    note: str | None = None


class QuarantinedOut(Schema):
    id: int
    reason: str
    # As far as they could be read from the raw bytes ("" when not).
    message_id: str
    from_header: str
    subject: str
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
