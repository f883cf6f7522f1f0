"""Email as a channel of conversations (conversations.channel_registry): how an answer is
addressed and threaded, and how its deliveries are sent.

A reply comes from the team's address, goes to the customer's verified email address,
carries a Message-ID of its own, In-Reply-To/References of the thread and the
conversation's reference in its subject; build_email (mail.sending) adds the signed
Reply-To and renders the body (mail.outbound_body) when it is sent."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings

from klient.conversations.channel_registry import Outbound
from klient.conversations.models import Conversation, Message

from . import sending
from .senders import agent_sender_name, team_sender_name

logger = logging.getLogger(__name__)

MAX_REFERENCES = 20


def compose(conversation: Conversation, *, to: str, author: Any = None) -> Outbound:
    """From "Agent name — Team name" (an automatic message: the team's name) at the
    team's address (mail.senders)."""
    in_reply_to, references = threading_headers(conversation)
    team = conversation.team
    return Outbound(
        from_address=team.inbound_address,
        from_name=agent_sender_name(author, team) if author is not None else team_sender_name(team),
        to=[to],
        # Nothing to answer yet (an agent starts the conversation): no "Re:".
        subject=reply_subject(conversation, starts_thread=not in_reply_to),
        message_id=new_message_id(conversation),
        in_reply_to=in_reply_to,
        references=references,
    )


def deliver(delivery_ids: list[int]) -> None:
    """Send these email deliveries; one failing is logged and does not stop the others
    (its row is re-driven by the sweep)."""
    for delivery_id in delivery_ids:
        try:
            sending.send_delivery(delivery_id)
        except Exception:
            logger.exception("email delivery %s failed", delivery_id)


def new_message_id(conversation: Conversation) -> str:
    return f"<{conversation.reference}.{uuid.uuid4().hex}@{settings.KLIENT_MAIL_DOMAIN}>"


def threading_headers(conversation: Conversation) -> tuple[str, str]:
    """In-Reply-To and References for the next outbound message: the latest message with
    a Message-ID, and the chain that led to it."""
    last = (
        conversation.messages.exclude(message_id=None)
        .exclude(kind=Message.Kind.NOTE)
        .order_by("-created_at", "-id")
        .only("message_id", "references")
        .first()
    )
    if last is None or not last.message_id:
        return "", ""
    chain = [*last.references.split(), last.message_id]
    return last.message_id, " ".join(chain[-MAX_REFERENCES:])


def reply_subject(conversation: Conversation, *, starts_thread: bool = False) -> str:
    """The subject with the reference; "Re: " in front unless it has one already or the
    email `starts_thread` (no earlier message with a Message-ID to answer)."""
    subject = conversation.subject.strip() or "(no subject)"
    if not starts_thread and not subject.lower().startswith(("re:", "aw:", "odp:", "ref:")):
        subject = f"Re: {subject}"
    return f"{subject} [{conversation.reference}]"
