"""Outbound email: build a safe RFC 5322 message and send a Delivery through the relay.

A Delivery is a durable work row (conversations.models.Delivery):
pending(next_attempt_at) -> sending(lease_until) -> sent | failed (| bounced, later), and
a failed or bounced one pending again when an agent resends it (same message, same
Message-ID: conversations.deliveries.resend). `send_delivery` claims the row with one
conditional UPDATE, so two workers (or a task and the sweeper) can never both hold it;
the sweeper's half is `conversations.channel_registry.redrive_due_deliveries`, for every
channel.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import ssl
from collections.abc import Iterator
from datetime import timedelta
from email import utils
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from klient.conversations.actions import record_delivery_outcome
from klient.conversations.delivery_work import DELIVERY_WORK
from klient.conversations.models import Delivery, Message
from klient.core import work

from . import display_names
from .addresses import reply_address
from .outbound_attachments import add_attachments
from .outbound_body import outbound_body

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = DELIVERY_WORK.policy.max_attempts
FIRST_RETRY = DELIVERY_WORK.policy.first_retry
LONGEST_RETRY = DELIVERY_WORK.policy.longest
JITTER = DELIVERY_WORK.policy.jitter
SMTP_TIMEOUT_SECONDS = 30.0
EMAIL_CHANNEL = "email"

_EMAIL = Q(channel=EMAIL_CHANNEL)

_ID_HEADERS = frozenset({"in-reply-to", "references"})
_ADDRESS_HEADERS = frozenset({"from", "to", "cc", "reply-to"})


class _OutboundPolicy(EmailPolicy):
    """An SMTP policy, except for two kinds of headers:

    - In-Reply-To and References are folded between message ids only. The stock policy
      turns an id longer than a line into RFC 2047 encoded words, which no mail client
      recognises as an id any more, and threading breaks.
    - From, To, Cc and Reply-To encode display names word by word (mail.display_names),
      so that "Олена Шевченко — Підтримка" is never cut inside a word."""

    def fold(self, name: str, value: Any) -> str:
        return self._fold_own(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        folded = self._fold_own(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)

    def _fold_own(self, name: str, value: Any) -> str:
        lowered = name.lower()
        if lowered in _ID_HEADERS:
            return display_names.fold_tokens(name, str(value).split(), self.linesep)
        if lowered in _ADDRESS_HEADERS and (mailboxes := _plain_mailboxes(value)):
            tokens = display_names.mailbox_list_tokens(mailboxes)
            return display_names.fold_tokens(name, tokens, self.linesep)
        return ""


def _plain_mailboxes(value: Any) -> list[tuple[str, str]]:
    """(display name, address) of an address header made of mailboxes with ASCII
    addresses only; [] for anything else (groups, internationalised addresses), which the
    stock policy folds."""
    groups = getattr(value, "groups", None)
    if not groups or any(group.display_name is not None for group in groups):
        return []
    mailboxes = [(a.display_name, a.addr_spec) for group in groups for a in group.addresses]
    if not mailboxes or not all(addr.isascii() and addr for _name, addr in mailboxes):
        return []
    return mailboxes


# CRLF like policy.SMTP; 7bit so that non-ASCII bodies are quoted-printable or base64 and
# pass any relay, with or without 8BITMIME.
OUTBOUND_POLICY = _OutboundPolicy(linesep="\r\n", cte_type="7bit")


def _has_line_break(value: str) -> bool:
    return "\r" in value or "\n" in value or "\0" in value or len(value.splitlines()) > 1


def _one_line(value: str) -> str:
    """Free text for a header (subject, display name): every line break becomes a space.
    Text is never allowed to start a new header line."""
    if not _has_line_break(value):
        return value
    return " ".join(part.strip() for part in value.replace("\0", " ").splitlines() if part.strip())


def _address(addr_spec: str, display_name: str = "") -> Address:
    """One mailbox; ValueError for anything that is not exactly one plain address."""
    if _has_line_break(addr_spec):
        raise ValueError(f"line break in email address {addr_spec!r}")
    addr_spec = addr_spec.strip()
    if not addr_spec or "@" not in addr_spec:
        raise ValueError(f"not an email address: {addr_spec!r}")
    # Address() parses addr_spec and refuses leftovers such as "a@x, victim@y".
    return Address(display_name=_one_line(display_name), addr_spec=addr_spec)


def _message_ids(value: str) -> list[str]:
    """Message ids from a stored In-Reply-To/References value. Line breaks are refused;
    ids that are not plain ASCII <...> tokens are left out (they cannot thread anyway)."""
    if _has_line_break(value):
        raise ValueError(f"line break in a message id header: {value!r}")
    return [
        token
        for token in value.split()
        if token.isascii() and token.startswith("<") and token.endswith(">") and len(token) > 2
    ]


def build_email(message: Message) -> EmailMessage:
    """The email for an outbound message, ready for SMTP.

    Header injection is impossible: free text (subject, display names) has its line
    breaks turned into spaces; addresses and message ids with a line break raise
    ValueError, as does an address field holding anything but one mailbox."""
    if message.kind != Message.Kind.OUTBOUND:
        raise ValueError(f"message #{message.pk} is not outbound ({message.kind})")
    conversation = message.conversation
    if not message.message_id or _has_line_break(message.message_id):
        raise ValueError(f"message #{message.pk} has no usable Message-ID")
    recipients = [_address(a) for a in message.to]
    if not recipients:
        raise ValueError(f"message #{message.pk} has no recipient")
    copies = [_address(a) for a in message.cc]

    email = EmailMessage(policy=OUTBOUND_POLICY)
    email["From"] = _address(message.from_address, message.from_name)
    email["To"] = recipients
    if copies:
        email["Cc"] = copies
    email["Reply-To"] = _address(
        reply_address(message.from_address, conversation.reference), message.from_name
    )
    email["Subject"] = _one_line(message.subject)
    email["Date"] = utils.format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    if in_reply_to := _message_ids(message.in_reply_to):
        email["In-Reply-To"] = in_reply_to[-1]
    if references := _message_ids(message.references):
        email["References"] = " ".join(references)
    if message.sender == Message.Sender.SYSTEM:
        # RFC 3834: an automatic message; other robots must not answer it.
        email["Auto-Submitted"] = "auto-replied"
        email["X-Auto-Response-Suppress"] = "All"
    # multipart/alternative: the plain text first, the HTML (preferred by most clients)
    # last. Attachments added after this turn it into multipart/mixed.
    body = outbound_body(message)
    email.set_content(body.text, subtype="plain", charset="utf-8")
    email.add_alternative(body.html, subtype="html", charset="utf-8")
    # (An unsaved message, as tests build them, has none.)
    add_attachments(email, message.attachments.all() if message.pk else ())
    return email


def _relay() -> tuple[str, int]:
    host, sep, port = settings.KLIENT_SMTP_RELAY.strip().rpartition(":")
    if not sep or not port.isdigit():
        return settings.KLIENT_SMTP_RELAY.strip().strip("[]"), 25
    return host.strip("[]"), int(port)


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.KLIENT_SMTP_RELAY_CAFILE or None)


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616); smtplib's own login only takes ASCII
    and, when one mechanism fails, tries the next, which some servers answer by waiting."""
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPException("the relay offers no AUTH but KLIENT_SMTP_RELAY_USER is set")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, response = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


@contextlib.contextmanager
def relay_connection() -> Iterator[smtplib.SMTP]:
    """An SMTP session with the relay, secured and authenticated as configured
    (KLIENT_SMTP_RELAY_SECURITY none|starttls|tls, KLIENT_SMTP_RELAY_USER/_PASSWORD).
    With starttls, a relay that does not offer it is an error: never fall back to clear."""
    host, port = _relay()
    # Without a heartbeat renewing the lease (core.work), a send must end within it.
    timeout = SMTP_TIMEOUT_SECONDS
    if not work.renewing():
        timeout = min(timeout, work.lease_seconds() / 3)
    security = settings.KLIENT_SMTP_RELAY_SECURITY
    smtp: smtplib.SMTP
    if security == "tls":
        smtp = smtplib.SMTP_SSL(
            host,
            port,
            timeout=timeout,
            local_hostname=settings.KLIENT_MAIL_DOMAIN,
            context=_tls_context(),
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout, local_hostname=settings.KLIENT_MAIL_DOMAIN)
    with smtp:
        # Configuration problems are raised as SMTPException (an OSError): the work is
        # retried with backoff, the error is shown, and nothing fails for good meanwhile.
        if security == "starttls":
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPException(
                    "the relay does not offer STARTTLS (KLIENT_SMTP_RELAY_SECURITY=starttls)"
                )
            smtp.starttls(context=_tls_context())
        if settings.KLIENT_SMTP_RELAY_USER:
            try:
                _login(smtp, settings.KLIENT_SMTP_RELAY_USER, settings.KLIENT_SMTP_RELAY_PASSWORD)
            except smtplib.SMTPAuthenticationError as exc:
                raise smtplib.SMTPException(
                    f"the relay refused KLIENT_SMTP_RELAY_USER's credentials: "
                    f"{exc.smtp_code} {_text(exc.smtp_error)}"
                ) from exc
        yield smtp


def _transmit(email: EmailMessage, envelope_from: str, recipients: list[str]) -> dict[str, Any]:
    with relay_connection() as smtp:
        return smtp.send_message(email, from_addr=envelope_from, to_addrs=recipients)


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failed attempt, then doubling, at most an hour, plus jitter."""
    return DELIVERY_WORK.policy.delay(attempts)


def send_delivery(delivery_id: int) -> str:
    """Send one email delivery if it is due; returns sent, deferred, failed or skipped.

    Never sends twice from two workers: the delivery is claimed with a lease first, and a
    delivery that is sent, failed, not yet due or leased by another worker is skipped.
    Connection errors and 4xx answers are retried with exponential backoff (30 s doubling
    to 1 h, MAX_ATTEMPTS in all); a 5xx answer fails at once, and a failed reply puts the
    customer back to waiting, with the relay's answer as the reason
    (conversations.deliveries.record_delivery_outcome).

    Known limitation: if the process dies after the relay accepted the message but before
    "sent" is recorded, the lease expires and the sweeper sends it again — with the SAME
    Message-ID and Date, so receiving systems can drop the duplicate. Delivery is
    at-least-once with a stable id, not exactly-once (SMTP offers no more)."""
    now = timezone.now()
    held = work.claim_one(
        DELIVERY_WORK, delivery_id, among=_EMAIL, now=now, mark={"updated_at": now}
    )
    if held is None:
        return "skipped"
    with work.holding(held):
        return _send(delivery_id)


def _send(delivery_id: int) -> str:
    delivery = Delivery.objects.select_related(
        "message__conversation__team", "message__conversation__customer"
    ).get(pk=delivery_id)
    message = delivery.message
    try:
        email = build_email(message)
    except ValueError as exc:
        # Logged, as every failure is, by record_delivery_outcome: one line per failure.
        record_delivery_outcome(delivery, outcome="failed", error=f"cannot build the email: {exc}")
        return "failed"
    recipients = [a.addr_spec for a in (*email["To"].addresses, *_cc(email))]
    try:
        refused = _transmit(email, message.from_address, recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(
            f"{rcpt}: {code} {_text(text)}" for rcpt, (code, text) in exc.recipients.items()
        )
        return _failed_attempt(
            delivery, f"recipients refused: {detail}", all(c >= 500 for c in codes)
        )
    except smtplib.SMTPNotSupportedError as exc:
        return _failed_attempt(delivery, f"the relay cannot take this message: {exc}", True)
    except smtplib.SMTPResponseException as exc:
        error = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return _failed_attempt(delivery, error, 500 <= exc.smtp_code < 600)
    except OSError as exc:  # refused, unreachable, timed out, disconnected (SMTPException)
        return _failed_attempt(delivery, f"relay unreachable: {exc or type(exc).__name__}", False)
    error = ""
    if refused:
        error = "some recipients refused: " + "; ".join(
            f"{rcpt}: {code} {_text(text)}" for rcpt, (code, text) in refused.items()
        )
    record_delivery_outcome(delivery, outcome="sent", error=error)
    return "sent"


def _cc(email: EmailMessage) -> tuple[Address, ...]:
    header = email["Cc"]
    return tuple(header.addresses) if header is not None else ()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)


def _failed_attempt(delivery: Delivery, error: str, permanent: bool) -> str:
    retry_at = DELIVERY_WORK.policy.retry_at(
        delivery.attempts, permanent=permanent, now=timezone.now()
    )
    if retry_at is None:
        if not permanent:
            error = f"gave up after {delivery.attempts} attempts: {error}"
        record_delivery_outcome(delivery, outcome="failed", error=error)
        return "failed"
    logger.warning("delivery %s deferred (attempt %s): %s", delivery.pk, delivery.attempts, error)
    record_delivery_outcome(delivery, outcome="retry", error=error, retry_at=retry_at)
    return "deferred"
