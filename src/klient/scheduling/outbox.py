"""Handing scheduling's messages to customers over: OutgoingMessage rows (klient.core.work)
sent by email through the customers' mail path (klient.mail.system_mail.hand_over, like
sign-in links and surveys) or by SMS through an outgoing webhook.

The SMS webhook: POST to KLIENT_SMS_WEBHOOK_URL, JSON `{"to", "text", "appointment"}`,
signed like every outgoing webhook (Standard Webhooks headers, klient.webhooks.signing,
with KLIENT_SMS_WEBHOOK_SECRET) and sent only to a destination the webhooks' SSRF rule
allows (klient.webhooks.destinations; KLIENT_WEBHOOK_ALLOWED_HOSTS for a private receiver)."""

from __future__ import annotations

import http.client
import json
import logging
import os
from datetime import datetime, timedelta
from email import utils
from email.message import EmailMessage

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from klient.core import work
from klient.mail.senders import team_sender_name
from klient.mail.sending import OUTBOUND_POLICY, _address, _one_line
from klient.mail.system_mail import hand_over
from klient.webhooks import destinations, signing, transport

from .messages import Text
from .models import Appointment, OutgoingMessage, Reminder

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
SMS_URL = "KLIENT_SMS_WEBHOOK_URL"
SMS_SECRET = "KLIENT_SMS_WEBHOOK_SECRET"  # noqa: S105 (a setting's name)
OUTGOING_WORK = work.WorkKind(
    OutgoingMessage,
    policy=work.RetryPolicy(
        first_retry=timedelta(minutes=1), longest=timedelta(hours=1), max_attempts=8
    ),
    ready=OutgoingMessage.State.QUEUED,
    held=OutgoingMessage.State.SENDING,
    failed=OutgoingMessage.State.FAILED,
    order_by=("next_attempt_at", "pk"),
)


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    return str(value if value is not None else os.environ.get(name, "")).strip()


def sms_configured() -> bool:
    return bool(_setting(SMS_URL))


def queue(
    appointment: Appointment,
    text: Text,
    *,
    purpose: str,
    email: str = "",
    phone: str = "",
    language: str = "",
    reminder: Reminder | None = None,
) -> list[OutgoingMessage]:
    """Queue the email (to `email`) and the SMS (to `phone`, when the webhook is set), in
    the caller's transaction; they are sent once it commits."""
    now = timezone.now()
    rows = []
    if email:
        rows.append(
            OutgoingMessage(
                appointment=appointment,
                reminder=reminder,
                purpose=purpose,
                channel=OutgoingMessage.Channel.EMAIL,
                to=email,
                language=language,
                subject=text.subject,
                body=text.body,
                next_attempt_at=now,
            )
        )
    if phone and sms_configured():
        rows.append(
            OutgoingMessage(
                appointment=appointment,
                reminder=reminder if not email else None,
                purpose=purpose,
                channel=OutgoingMessage.Channel.SMS,
                to=phone,
                language=language,
                body=text.sms,
                next_attempt_at=now,
            )
        )
    for row in rows:
        row.save()
    if rows:
        transaction.on_commit(_wake)
    return rows


def _wake() -> None:
    from .tasks import wake

    wake()


def _email(row: OutgoingMessage) -> EmailMessage:
    conversation = row.appointment.conversation
    team = conversation.team if conversation is not None else None
    email = EmailMessage(policy=OUTBOUND_POLICY)
    if team is not None:
        email["From"] = _address(team.inbound_address, team_sender_name(team))
    else:
        email["From"] = _address(f"no-reply@{settings.KLIENT_MAIL_DOMAIN}")
    email["To"] = _address(row.to)
    email["Subject"] = _one_line(row.subject)
    # From the row, not the clock: a copy sent again after a worker died between the
    # relay's acceptance and recording it (invitation_mail._send) is the same message.
    email["Date"] = utils.format_datetime(row.created_at)
    reference = (row.appointment.reference or "").lower()
    email["Message-ID"] = (
        f"<appointment-message.{reference}.{row.pk}@{settings.KLIENT_MAIL_DOMAIN}>"
    )
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(row.body, charset="utf-8")
    email["Content-Language"] = row.language or settings.LANGUAGE_CODE
    return email


def sms_body(row: OutgoingMessage) -> bytes:
    return json.dumps(
        {"to": row.to, "text": row.body, "appointment": row.appointment.reference},
        ensure_ascii=False,
    ).encode()


def _post_sms(row: OutgoingMessage, now: datetime) -> tuple[str, str]:
    secret = _setting(SMS_SECRET)
    try:
        destination = destinations.check(_setting(SMS_URL))
        body = sms_body(row)
        headers = signing.headers(
            [secret] if secret else [], f"msg_sms_{row.pk}", int(now.timestamp()), body
        )
        answer = transport.post(destination, body, headers)
    except destinations.RefusedDestination as exc:
        return "failed", work.describe(exc)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return "retry", work.describe(exc)
    if 200 <= answer.status < 300:
        return "sent", ""
    if 400 <= answer.status < 500 and answer.status not in (408, 429):
        return "failed", f"SMS webhook answered {answer.status}"
    return "retry", f"SMS webhook answered {answer.status}"


def _send(held: work.Claim, row: OutgoingMessage, now: datetime) -> str:
    if row.channel == OutgoingMessage.Channel.SMS:
        if not sms_configured():
            outcome, error = "failed", f"{SMS_URL} is not set"
        else:
            outcome, error = _post_sms(row, now)
    else:
        try:
            email = _email(row)
        except ValueError as exc:
            outcome, error = "failed", f"cannot build the email: {exc}"
        else:
            outcome, error = hand_over(email, email["From"].addresses[0].addr_spec, [row.to])
    if outcome != "sent":
        return work.fail(held, row.pk, row.attempts, error, permanent=outcome != "retry")
    with held.pinned(), transaction.atomic():
        work.complete(
            held, row.pk, OutgoingMessage.State.SENT, sent_at=timezone.now(), last_error=""
        )
    return "sent"


def send_due_messages(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: send queued messages (and those whose worker died)."""
    now = now or timezone.now()

    def handle(held: work.Claim, ids: list[int]) -> None:
        rows = OutgoingMessage.objects.select_related("appointment__conversation__team").in_bulk(
            ids
        )
        work.each_row(
            held, ids, lambda pk: _send(held, rows[pk], now), what="scheduling message", now=now
        )

    return work.drain_due(OUTGOING_WORK, handle, now=now, batch=BATCH_SIZE, limit=limit)
