"""What a channel hands to conversations.actions.receive_message: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class IncomingAttachment:
    filename: str
    content_type: str
    blob: str
    size: int
    content_id: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    team_id: int
    from_address: str
    from_name: str
    subject: str
    body_text: str
    new_text: str
    received_at: datetime
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    body_html: str = ""
    raw_blob: str = ""
    message_id: str | None = None
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    language: str = ""
    is_auto_reply: bool = False
    is_bounce: bool = False
    is_bulk: bool = False
    # How automatic the wording reads (mail.classify) and the signals why; None when not read.
    auto_score: float | None = None
    auto_reasons: tuple[str, ...] = ()
    has_remote_images: bool = False
    channel: str = "email"
    # The kind of identity from_address is (people.identities): the customer is found, or
    # created, by (from_kind, from_address) in its normal form.
    from_kind: str = "email"
    attachments: tuple[IncomingAttachment, ...] = field(default_factory=tuple)
    # How the channel found the conversation it hands the message to ("headers",
    # "subject", ...), for the event log; "" when it opens a new one.
    threaded_by: str = ""

    @property
    def is_automatic(self) -> bool:
        return self.is_auto_reply or self.is_bounce or self.is_bulk
