"""What an outbound conversation email says, as plain text and as HTML (multipart/alternative).

The message's stored text is what its author wrote; the email around it is rendered here
when it is sent, the same way on every attempt and every resend:

- the text, then (for a person's reply) the agent's signature, else the team's;
- a link to the conversation in the customer's portal (KLIENT_BASE_URL + its page, which
  asks a customer who is not signed in for a sign-in link and then comes back to it);
- for a person's reply, the customer's previous message quoted below: "On <date>, <name>
  wrote:" and "> " lines in the text, a blockquote in the HTML; the date in the customer's
  time zone, the words in the conversation's language.

The text is plain: the HTML is built from it escaped (links made clickable), then
sanitised with the inbound allow-list (mail.sanitize, nh3), so nothing an agent or a
customer typed can become markup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from klient.calendars.models import WorkingHoursConfig
from klient.conversations.models import Conversation, Message
from klient.people.models import AgentProfile
from klient.sla.promise import zone_named
from klient.sla.promise_text import language_of

from .sanitize import sanitize_html

__all__ = ["OutboundBody", "customer_language", "outbound_body", "portal_url"]

MAX_QUOTED_CHARS = 20_000
SIGNATURE_DELIMITER = "-- "  # RFC 3676: clients recognise (and trim) what follows
_QUOTE_STYLE = "margin:0 0 0 .8ex;border-left:2px solid #ccc;padding-left:1ex;color:#444"
_MUTED_STYLE = "color:#555"


@dataclass(frozen=True, slots=True)
class OutboundBody:
    text: str
    html: str


def customer_language(conversation: Conversation) -> str:
    """The language Klient writes to this conversation's customer in (en by default)."""
    return language_of(conversation.language or conversation.customer.language)


def portal_url(conversation: Conversation) -> str:
    path = reverse("portal:conversation", kwargs={"reference": conversation.reference})
    return settings.KLIENT_BASE_URL.rstrip("/") + path


def outbound_body(message: Message) -> OutboundBody:
    conversation = message.conversation
    language = customer_language(conversation)
    by_person = message.sender == Message.Sender.AGENT
    signature = _signature(message) if by_person else ""
    quoted = _previous_customer_message(message) if by_person else None
    with translation.override(language):
        follow = _("You can follow this request online:")
        attribution = _attribution(quoted, conversation) if quoted is not None else ""
    url = portal_url(conversation)
    quoted_text = _quoted_text(quoted) if quoted is not None else ""
    return OutboundBody(
        text=_text(message.body_text, signature, follow, url, attribution, quoted_text),
        html=_html(message.body_text, signature, follow, url, attribution, quoted_text, language),
    )


def _signature(message: Message) -> str:
    """The author's signature, else the team's ("" for none)."""
    own = (
        AgentProfile.objects.filter(user_id=message.author_id)
        .values_list("signature", flat=True)
        .first()
        if message.author_id is not None
        else None
    )
    signature = (own or "").strip() or message.conversation.team.signature.strip()
    # A signature typed with its own delimiter gets it once.
    first, _sep, rest = signature.partition("\n")
    return rest.strip() if first.strip() == "--" else signature


def _previous_customer_message(message: Message) -> Message | None:
    """The customer's latest own message before this reply (automatic ones left out)."""
    return (
        message.conversation.messages.filter(
            kind=Message.Kind.INBOUND,
            sender=Message.Sender.CUSTOMER,
            is_auto_reply=False,
            is_bounce=False,
            is_bulk=False,
            created_at__lte=message.created_at,
        )
        .exclude(pk=message.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def _customer_zone(conversation: Conversation) -> ZoneInfo:
    """The customer's time zone, else the team's business hours', else the server's."""
    team_zone = (
        WorkingHoursConfig.objects.filter(team_id=conversation.team_id)
        .values_list("time_zone", flat=True)
        .first()
    )
    return (
        zone_named(conversation.customer.time_zone)
        or zone_named(team_zone or "")
        or ZoneInfo(settings.TIME_ZONE)
    )


def _attribution(quoted: Message, conversation: Conversation) -> str:
    """ "On 12 March 2025 at 13:30, Ola Nowak wrote:" in the active language."""
    local: datetime = timezone.localtime(quoted.created_at, _customer_zone(conversation))
    return _("On %(date)s at %(time)s, %(name)s wrote:") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
        "name": " ".join((quoted.from_name or quoted.from_address).split()),
    }


def _quoted_text(quoted: Message) -> str:
    text = (quoted.new_text or quoted.body_text).strip()
    if len(text) > MAX_QUOTED_CHARS:
        text = text[:MAX_QUOTED_CHARS].rstrip() + " …"
    return text


def _text(body: str, signature: str, follow: str, url: str, attribution: str, quoted: str) -> str:
    parts = [body.strip()]
    if signature:
        parts.append(f"{SIGNATURE_DELIMITER}\n{signature}")
    parts.append(f"{follow}\n{url}")
    if attribution:
        lines = quoted.replace("\r\n", "\n").split("\n")
        parts.append(attribution + "\n" + "\n".join(f"> {line}" if line else ">" for line in lines))
    return "\n\n".join(parts) + "\n"


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs: escaped, line breaks kept, links clickable."""
    return linebreaks(urlize(text.strip(), nofollow=True, autoescape=True))


def _html(
    body: str,
    signature: str,
    follow: str,
    url: str,
    attribution: str,
    quoted: str,
    language: str,
) -> str:
    parts = [f"<div>{_paragraphs(body)}</div>"]
    if signature:
        parts.append(f'<div style="{_MUTED_STYLE}">{_paragraphs(signature)}</div>')
    parts.append(
        f'<p style="{_MUTED_STYLE}">{escape(follow)} <a href="{escape(url)}">{escape(url)}</a></p>'
    )
    if attribution:
        parts.append(f"<p>{escape(attribution)}</p>")
        parts.append(f'<blockquote style="{_QUOTE_STYLE}">{_paragraphs(quoted)}</blockquote>')
    fragment = sanitize_html("\n".join(parts), allow_remote_images=False).html
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head><meta charset="utf-8"></head>\n'
        f'<body>\n<div dir="auto">\n{fragment}\n</div>\n</body>\n</html>\n'
    )
