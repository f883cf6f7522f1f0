"""The only writers of inbound mail rows: accept, process, quarantine, retry."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from klient.conversations.actions import receive_message, record_delivery_outcome
from klient.conversations.models import Delivery, Message
from klient.core import blobs
from klient.core.events import append

from .models import InboundMail
from .pipeline import PipelineError, prepare

logger = logging.getLogger(__name__)

MAX_TRANSIENT_ATTEMPTS = 5
STALE_AFTER = timedelta(seconds=10)


def accept_raw(
    raw: bytes,
    *,
    source: str,
    envelope_from: str = "",
    envelope_to: list[str] | None = None,
    team_id: int | None = None,
) -> tuple[InboundMail, bool]:
    """Store raw bytes durably and record them as received work; only after this
    returns may the sender be told "accepted" (SMTP 250, IMAP \\Seen flag).

    The same bytes received twice are one row: returns (row, created)."""
    digest = blobs.store(raw, durable=True)
    existing = InboundMail.objects.filter(raw_blob=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return (
                InboundMail.objects.create(
                    raw_blob=digest,
                    size=len(raw),
                    source=source,
                    envelope_from=envelope_from[:998],
                    envelope_to=envelope_to or [],
                    team_id=team_id,
                    received_at=timezone.now(),
                ),
                True,
            )
    except IntegrityError:
        return InboundMail.objects.get(raw_blob=digest), False


def _claim(inbound_id: int) -> bool:
    """Take the row for processing under a lease; False if another worker holds it or it
    is finished."""
    now = timezone.now()
    claimable = Q(state=InboundMail.State.RECEIVED) | Q(
        state=InboundMail.State.PROCESSING, lease_until__lt=now
    )
    return bool(
        InboundMail.objects.filter(claimable, pk=inbound_id).update(
            state=InboundMail.State.PROCESSING,
            lease_until=now + timedelta(seconds=settings.KLIENT_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


def process_inbound(inbound_id: int) -> str:
    """Turn one received mail into a message (or quarantine it). Idempotent: safe to run
    again after a crash at any point; the Message-ID (or the hash of the bytes) keeps
    the message from being stored twice. Returns the outcome.

    Imported mail is history: it is stored with its events but announces nothing (no
    acknowledgement is sent for a message from last year)."""
    if not _claim(inbound_id):
        return "skipped"
    inbound = InboundMail.objects.get(pk=inbound_id)
    try:
        raw = blobs.load(inbound.raw_blob)
        prepared = prepare(
            raw,
            raw_digest=inbound.raw_blob,
            received_at=inbound.received_at,
            envelope_to=list(inbound.envelope_to),
            team_id=inbound.team_id,
        )
        message, created = receive_message(
            prepared.incoming, conversation=prepared.conversation,
            announce=inbound.source != InboundMail.Source.IMPORT,
        )
        if prepared.thread.refused:
            append(
                "thread.refused",
                conversation=message.conversation,
                actor_label="system",
                data={"message": message.pk, "reason": prepared.thread.refused},
            )
        report = prepared.parsed.report
        if created and prepared.classification.bounce and report is not None:
            _record_bounce(report.original_message_id, report.status, report.diagnostic)
    except PipelineError as exc:
        quarantine(inbound, str(exc))
        return "quarantined"
    except DatabaseError as exc:
        if inbound.attempts >= MAX_TRANSIENT_ATTEMPTS:
            quarantine(inbound, f"database error after {inbound.attempts} attempts: {exc}")
            return "quarantined"
        # Transient (locked database, lost connection): release for the sweeper.
        logger.warning("inbound mail %s: %s; will retry", inbound_id, exc)
        InboundMail.objects.filter(pk=inbound_id).update(
            state=InboundMail.State.RECEIVED, lease_until=None
        )
        return "deferred"
    except Exception as exc:
        logger.exception("inbound mail %s could not be processed", inbound_id)
        quarantine(inbound, f"{type(exc).__name__}: {exc}")
        return "quarantined"
    outcome = (
        "stored" if created or message.raw_blob == inbound.raw_blob else "duplicate"
    )
    InboundMail.objects.filter(pk=inbound_id).update(
        state=InboundMail.State.DONE,
        lease_until=None,
        message=message,
        outcome=outcome,
        reason="",
        processed_at=timezone.now(),
    )
    return outcome


def _record_bounce(original_message_id: str | None, status: str, diagnostic: str) -> None:
    if not original_message_id:
        return
    delivery = Delivery.objects.filter(message__message_id=original_message_id).first()
    if delivery is None:
        return
    record_delivery_outcome(
        delivery, outcome="bounced", error=f"{status} {diagnostic}".strip()
    )


def quarantine(inbound: InboundMail, reason: str) -> None:
    with transaction.atomic():
        InboundMail.objects.filter(pk=inbound.pk).update(
            state=InboundMail.State.QUARANTINED,
            lease_until=None,
            reason=reason[:5000],
            processed_at=timezone.now(),
        )
        append(
            "mail.quarantined",
            actor_label="system",
            data={"inbound": inbound.pk, "reason": reason[:500], "source": inbound.source},
        )


def quarantined() -> list[InboundMail]:
    return list(
        InboundMail.objects.filter(state=InboundMail.State.QUARANTINED).order_by("-received_at")
    )


def retry_quarantined(inbound_id: int, *, actor: object = None) -> str:
    """Put a quarantined mail back through the pipeline (after a fix, or a new team)."""
    inbound = InboundMail.objects.get(pk=inbound_id, state=InboundMail.State.QUARANTINED)
    InboundMail.objects.filter(pk=inbound.pk).update(
        state=InboundMail.State.RECEIVED, attempts=0, reason=""
    )
    append(
        "mail.retried",
        actor=actor,  # type: ignore[arg-type]
        actor_label="" if actor else "cli",
        data={"inbound": inbound.pk},
    )
    return process_inbound(inbound.pk)


def redrive_stale_inbound(limit: int = 200) -> int:
    """Sweeper: process mail whose task was lost (received a while ago) or whose worker
    died (lease expired)."""
    now = timezone.now()
    stale = Q(state=InboundMail.State.RECEIVED, received_at__lt=now - STALE_AFTER) | Q(
        state=InboundMail.State.PROCESSING, lease_until__lt=now
    )
    ids = list(
        InboundMail.objects.filter(stale).order_by("received_at").values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in ids:
        if process_inbound(pk) != "skipped":
            done += 1
    return done


def stored_message(inbound: InboundMail) -> Message | None:
    return Message.objects.filter(pk=inbound.message_id).first() if inbound.message_id else None
