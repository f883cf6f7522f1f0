"""The only writers of inbound mail rows: accept, process, quarantine, retry, discard."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.actions import receive_messages, record_delivery_outcome
from klient.conversations.models import Delivery, Message
from klient.core import blobs, bulk, statistics, work
from klient.core.events import append

from .events import Kind
from .models import InboundMail
from .parsing import ParsedMail
from .pipeline import (
    MailAnalysis,
    PipelineError,
    Prepared,
    analyse_mail,
    header_ids,
    prepare,
    stored_conversations,
    team_addresses,
)

logger = logging.getLogger(__name__)

MAX_TRANSIENT_ATTEMPTS = 5
STALE_AFTER = timedelta(seconds=10)

# Received mail as durable work. A transient failure releases the row at once (the sweep
# takes it again after STALE_AFTER); giving up means quarantine, with the reason.
INBOUND_WORK = work.WorkKind(
    InboundMail,
    policy=work.RetryPolicy(
        first_retry=timedelta(0), longest=timedelta(0), max_attempts=MAX_TRANSIENT_ATTEMPTS
    ),
    ready=InboundMail.State.RECEIVED,
    held=InboundMail.State.PROCESSING,
    failed=InboundMail.State.QUARANTINED,
    due_field="received_at",
    error_field="reason",
    order_by=("received_at",),
    stale_after=STALE_AFTER,
    reschedules=False,
)


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
    # Insert first: new mail is the common case, and the unique raw_blob settles races. A
    # savepoint is needed only inside a caller's transaction (a failed statement would
    # abort it); alone, the INSERT is its own transaction.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with _durably(), guard:
            inbound = InboundMail.objects.create(
                raw_blob=digest,
                size=len(raw),
                source=source,
                envelope_from=envelope_from[:998],
                envelope_to=envelope_to or [],
                team_id=team_id,
                received_at=timezone.now(),
            )
        return inbound, True
    except IntegrityError:
        return InboundMail.objects.get(raw_blob=digest), False


@contextlib.contextmanager
def _durably() -> Iterator[None]:
    """On SQLite, make this commit wait for the disk. Klient runs SQLite's WAL with
    synchronous=NORMAL, whose commits survive a process crash but not a power cut; the row
    that records accepted mail must survive both, since the sender is told "accepted" next.
    (PostgreSQL commits are durable by default.)"""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=FULL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


def accept_raw_many(
    raws: list[bytes],
    *,
    source: str,
    team_id: int | None = None,
    while_syncing: Callable[[], object] | None = None,
) -> list[tuple[InboundMail, bool]]:
    """accept_raw for a batch (imports): the blobs are written, flushed to disk with one
    sync, and only then recorded, in one statement. Results in order.

    `while_syncing` (say, processing the previous batch) runs in this thread while another
    one waits for the disk; the rows are recorded only once both are done."""
    digests = [blobs.store(raw, durable=False) for raw in raws]
    if while_syncing is None:
        blobs.sync_all()
    else:
        syncer = threading.Thread(target=blobs.sync_all, name="klient-blob-sync")
        syncer.start()
        try:
            while_syncing()
        finally:
            syncer.join()
    now = timezone.now()
    fresh = {
        digest: InboundMail(
            raw_blob=digest, size=len(raw), source=source, team_id=team_id, received_at=now
        )
        for digest, raw in zip(digests, raws, strict=True)
    }
    # One statement: rows whose bytes were accepted before are skipped, and the ids of
    # those inserted come back; only the others need looking up.
    with _durably():
        inserted = {
            digest: pk
            for pk, digest in bulk.insert(
                InboundMail,
                list(fresh.values()),
                ignore_conflicts=True,
                returning=("id", "raw_blob"),
            )
        }
    rows: dict[str, InboundMail] = {}
    for digest, pk in inserted.items():
        rows[digest] = fresh[digest]
        rows[digest].pk = pk
    others = [d for d in fresh if d not in inserted]
    if others:
        rows.update(
            (row.raw_blob, row)
            for row in InboundMail.objects.filter(raw_blob__in=others).only(
                "id", "raw_blob", "state"
            )
        )
    seen: set[str] = set()
    results = []
    for digest in digests:
        results.append((rows[digest], digest in inserted and digest not in seen))
        seen.add(digest)
    return results


def process_inbound(inbound_id: int) -> str:
    """Turn one received mail into a message (or quarantine it). See process_batch."""
    return process_batch([inbound_id]).get(inbound_id, "skipped")


def process_received(first_id: int | None, *, batch: int = 100) -> dict[int, str]:
    """Process this mail (if any) and, with it, others waiting: under a burst of mail one
    task stores a whole batch and the tasks of the others find them done. Returns {} when
    nothing was waiting."""
    received = InboundMail.objects.filter(state=InboundMail.State.RECEIVED)
    if first_id is not None:
        received = received.exclude(pk=first_id)
    waiting = list(
        received.order_by("pk").values_list("pk", flat=True)[: batch - (1 if first_id else 0)]
    )
    ids = [first_id, *waiting] if first_id else waiting
    return process_batch(ids) if ids else {}


def process_batch(
    inbound_ids: list[int],
    *,
    raws: Mapping[str, bytes] | None = None,
    analyses: Mapping[str, MailAnalysis | Exception] | None = None,
) -> dict[int, str]:
    """Turn received mail into messages (or quarantine them), claiming the whole batch in
    one statement and storing it a few statements per hundred messages. Idempotent: safe
    to run again after a crash at any point; the Message-ID (or the hash of the bytes)
    keeps a message from being stored twice. Returns the outcome per id: stored,
    duplicate, quarantined, deferred; ids another worker holds or that are finished are
    left out.

    Imported mail is history: it is stored with its events but announces nothing (no
    acknowledgement is sent for a message from last year).

    `raws` (digest -> bytes) may hold bytes the caller has in memory already (an import
    that just stored them); the others are read from the blob store. `analyses` (raw blob
    digest -> `pipeline.analyse_mail` of its bytes, or the exception it raised) may hold mail
    the caller analysed already, say in another thread while the previous batch was
    being stored."""
    with _without_waiting_for_disk():
        outcomes = _process_batch(inbound_ids, raws or {}, analyses or {})
    statistics.refresh_if_grown()
    return outcomes


@contextlib.contextmanager
def _without_waiting_for_disk() -> Iterator[None]:
    """On PostgreSQL, let processing commits return before their WAL is on disk. Safe: the
    raw mail and its work row were made durable when accepted, and PostgreSQL writes WAL in
    order, so a crash can only lose a suffix of this work — the row is then received or
    processing again and is re-driven, and dedupe keeps it from being stored twice."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def analyse_many(raws: Mapping[str, bytes]) -> dict[str, MailAnalysis | Exception]:
    """`pipeline.analyse_mail` of each mail (by its raw blob digest), or the exception it raised:
    no database needed, so it may run in another thread. The attachments are on disk when
    this returns, flushed with one sync for all of them (an import syncs the machine's disks
    once per batch anyway, for the raw mail)."""
    analyses: dict[str, MailAnalysis | Exception] = {}
    for raw_digest, raw in raws.items():
        try:
            analyses[raw_digest] = analyse_mail(raw, durable=False)
        except Exception as exc:
            analyses[raw_digest] = exc
    if any(isinstance(a, MailAnalysis) and a.attachments for a in analyses.values()):
        blobs.sync_all()
    return analyses


def _process_batch(
    inbound_ids: list[int],
    raws: Mapping[str, bytes],
    analyses: Mapping[str, MailAnalysis | Exception],
) -> dict[int, str]:
    held = work.claim(INBOUND_WORK, inbound_ids, fetch=True)
    if held is None:
        return {}
    # The heartbeat renews the lease while the batch is worked on, so a short lease is
    # enough however long the batch takes, and a killed worker's mail is soon taken over.
    with work.holding(held):
        return _process_claimed(held, raws, analyses)


def _process_claimed(
    held: work.Claim, raws: Mapping[str, bytes], analyses: Mapping[str, MailAnalysis | Exception]
) -> dict[int, str]:
    rows: list[InboundMail] = held.rows
    batch = _Batch(team_addresses(), held)
    analysed_rows: list[tuple[InboundMail, MailAnalysis]] = []
    for inbound in rows:
        try:
            analysis = analyses.get(inbound.raw_blob)
            if analysis is None:
                # Attachments flushed one file at a time: in a long-running worker a sync of
                # the whole machine (`blobs.sync_all`) could wait for other programs' writes.
                raw = raws.get(inbound.raw_blob)
                analysis = analyse_mail(raw if raw is not None else blobs.load(inbound.raw_blob))
            elif isinstance(analysis, Exception):
                raise analysis
            analysed_rows.append((inbound, analysis))
        except Exception as exc:
            batch.fail(inbound, exc)
    batch.known = stored_conversations(
        list({i for _, analysis in analysed_rows for i in header_ids(analysis.parsed)})
    )
    for inbound, analysis in analysed_rows:
        parsed = analysis.parsed
        try:
            if batch.answers_pending(parsed) or batch.announce != _announces(inbound):
                # Threading must see what this batch stored before: flush it first.
                batch.flush()
            batch.announce = _announces(inbound)
            prepared = prepare(
                b"",
                raw_digest=inbound.raw_blob,
                received_at=inbound.received_at,
                envelope_to=list(inbound.envelope_to),
                team_id=inbound.team_id,
                teams=batch.teams,
                analysis=analysis,
                known_ids=batch.known,
            )
        except Exception as exc:
            batch.fail(inbound, exc)
            continue
        batch.add(inbound, prepared)
    batch.flush()
    return batch.outcomes


def _announces(inbound: InboundMail) -> bool:
    return inbound.source != InboundMail.Source.IMPORT


class _Batch:
    """Prepared mail waiting to be stored together."""

    def __init__(self, teams: dict[str, int], held: work.Claim) -> None:
        self.teams = teams
        self.held = held
        self.announce = True
        self.pending: list[tuple[InboundMail, Prepared]] = []
        self.pending_ids: set[str] = set()
        self.outcomes: dict[int, str] = {}
        self.known: dict[str, int | None] = {}

    def answers_pending(self, parsed: ParsedMail) -> bool:
        return any(i in self.pending_ids for i in (parsed.in_reply_to, *parsed.references))

    def add(self, inbound: InboundMail, prepared: Prepared) -> None:
        self.pending.append((inbound, prepared))
        if prepared.incoming.message_id:
            self.pending_ids.add(prepared.incoming.message_id)

    def fail(self, inbound: InboundMail, exc: Exception, *, repeated: bool = False) -> None:
        self.outcomes[inbound.pk] = _failed(self.held, inbound, exc, repeated=repeated)

    def flush(self) -> None:
        pending, self.pending, self.pending_ids = self.pending, [], set()
        if not pending:
            return
        items = [(p.incoming, p.conversation) for _, p in pending]
        try:
            try:
                results = receive_messages(items, announce=self.announce, source_is_durable=True)
            except IntegrityError:
                if len(pending) > 1:
                    raise
                # A race with a concurrent writer is settled by its commit: try once more.
                # Broken again, the constraint is the mail's own (is_permanent).
                results = receive_messages(items, announce=self.announce, source_is_durable=True)
        except Exception as exc:
            if len(pending) == 1:
                self.fail(pending[0][0], exc, repeated=isinstance(exc, IntegrityError))
                return
            # Isolate the one that fails; the others are stored.
            for entry in pending:
                self.pending = [entry]
                self.flush()
            return
        finished = []
        for (inbound, prepared), (message, created) in zip(pending, results, strict=True):
            if prepared.thread.refused:
                with transaction.atomic():
                    append(
                        Kind.THREAD_REFUSED,
                        conversation=message.conversation,
                        actor_label="system",
                        data={"message": message.pk, "reason": prepared.thread.refused},
                    )
            report = prepared.parsed.report
            if created and prepared.bounced_id:
                _record_bounce(
                    prepared.bounced_id,
                    report.status if report else "",
                    report.diagnostic if report else prepared.parsed.subject,
                )
            if message.message_id:
                self.known[message.message_id] = message.conversation_id
            same_mail = created or message.raw_blob == inbound.raw_blob
            inbound.state = InboundMail.State.DONE
            inbound.lease_until = None
            inbound.message = message
            inbound.outcome = "stored" if same_mail else "duplicate"
            inbound.reason = ""
            inbound.processed_at = timezone.now()
            self.outcomes[inbound.pk] = inbound.outcome
            finished.append(inbound)
        _mark_done(finished)
        self.held.release([inbound.pk for inbound in finished])


def _mark_done(rows: list[InboundMail]) -> None:
    """Record the outcome of stored mail. PostgreSQL: one UPDATE joined to arrays of the
    values. SQLite: one parametrised UPDATE per row, sent together (SQLite prepares it once).
    Never bulk_update: it builds a CASE expression per row and field, which costs more than
    the whole of receiving them."""
    if not rows:
        return
    table = InboundMail._meta.db_table
    now = timezone.now()
    done = InboundMail.State.DONE
    with transaction.atomic():
        if connection.vendor == "postgresql":
            bulk.execute(
                f"UPDATE {table} AS t SET state = %s, lease_until = NULL, "  # noqa: S608 (no user input)
                "message_id = u.message_id, outcome = u.outcome, reason = '', processed_at = %s "
                "FROM unnest(%b::bigint[], %b::bigint[], %b::text[]) AS u(id, message_id, outcome) "
                "WHERE t.id = u.id",
                [
                    str(done),
                    now,
                    [r.pk for r in rows],
                    [r.message_id for r in rows],
                    [r.outcome for r in rows],
                ],
            )
            return
        sql = (
            f"UPDATE {table} SET state = %s, lease_until = NULL, message_id = %s, outcome = %s, "  # noqa: S608 (no user input)
            "reason = '', processed_at = %s WHERE id = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(done, r.message_id, r.outcome, now, r.pk) for r in rows])


def _failed(held: work.Claim, inbound: InboundMail, exc: Exception, *, repeated: bool) -> str:
    """Quarantine what can only fail again, at once and with its reason; release what a
    retry may settle (a locked database, a lost connection) until the policy gives up."""
    if isinstance(exc, PipelineError):
        quarantine(inbound, str(exc), held=held)
        return "quarantined"
    if not isinstance(exc, DatabaseError):
        logger.error("inbound mail %s could not be processed", inbound.pk, exc_info=exc)
        quarantine(inbound, work.describe(exc), held=held)
        return "quarantined"
    if work.is_permanent(exc, inbound.attempts + (1 if repeated else 0)):
        logger.error("inbound mail %s: permanent error: %s", inbound.pk, exc)
        quarantine(
            inbound, f"permanent database error, not retried: {work.describe(exc)}", held=held
        )
        return "quarantined"
    if INBOUND_WORK.policy.gives_up(inbound.attempts):
        quarantine(
            inbound,
            f"database error after {inbound.attempts} attempts: {work.describe(exc)}",
            held=held,
        )
        return "quarantined"
    logger.warning("inbound mail %s: %s; will retry", inbound.pk, exc)
    work.fail(held, inbound.pk, inbound.attempts, exc, permanent=False)
    return "deferred"


def _record_bounce(original_message_id: str | None, status: str, diagnostic: str) -> None:
    if not original_message_id:
        return
    delivery = Delivery.objects.filter(message__message_id=original_message_id).first()
    if delivery is None:
        return
    record_delivery_outcome(delivery, outcome="bounced", error=f"{status} {diagnostic}".strip())


def quarantine(inbound: InboundMail, reason: str, *, held: work.Claim | None = None) -> None:
    if held is not None:
        held.release([inbound.pk])
    with transaction.atomic():
        InboundMail.objects.filter(pk=inbound.pk).update(
            state=InboundMail.State.QUARANTINED,
            lease_until=None,
            reason=reason[:5000],
            processed_at=timezone.now(),
        )
        append(
            Kind.QUARANTINED,
            actor_label="system",
            data={"inbound": inbound.pk, "reason": reason[:500], "source": inbound.source},
        )


def retry_quarantined(inbound_id: int, *, actor: object = None, team_id: int | None = None) -> str:
    """Put a quarantined mail back through the pipeline (after a fix), optionally into a
    named team when no team received it."""
    inbound = work.given_up(INBOUND_WORK).get(pk=inbound_id)
    changes: dict[str, object] = {"state": InboundMail.State.RECEIVED, "attempts": 0, "reason": ""}
    if team_id is not None:
        changes["team_id"] = team_id
    with transaction.atomic():
        InboundMail.objects.filter(pk=inbound.pk).update(**changes)
        append(
            Kind.RETRIED,
            actor=actor,  # type: ignore[arg-type]
            actor_label="" if actor else "cli",
            data={"inbound": inbound.pk, "team": team_id},
        )
    return process_inbound(inbound.pk)


MAX_DISCARD_REASON = 1000


def discard_quarantined(inbound_id: int, *, actor: Any, reason: str) -> InboundMail:
    """An administrator gives up on a quarantined mail, saying why. The row and its raw
    bytes are kept (blobs are never deleted: the source stays downloadable); the reason
    and who discarded it are on the row and in the audit log. Only quarantined mail can be
    discarded (InboundMail.DoesNotExist otherwise)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this email is discarded.")]})
    if len(reason) > MAX_DISCARD_REASON:
        raise ValidationError(
            {"reason": [_("At most %(n)s characters.") % {"n": MAX_DISCARD_REASON}]}
        )
    with transaction.atomic():
        inbound = work.given_up(INBOUND_WORK).select_for_update().get(pk=inbound_id)
        now = timezone.now()
        discarded = (
            work.given_up(INBOUND_WORK)
            .filter(pk=inbound.pk)
            .update(
                state=InboundMail.State.DISCARDED,
                discard_reason=reason,
                discarded_by=actor,
                discarded_at=now,
            )
        )
        if not discarded:  # retried by someone else in the meantime (SQLite has no row lock)
            raise InboundMail.DoesNotExist
        append(
            Kind.DISCARDED,
            actor=actor,
            actor_label="" if actor else "cli",
            data={
                "inbound": inbound.pk,
                "reason": reason,
                "quarantine_reason": inbound.reason[:500],
            },
        )
    inbound.refresh_from_db()
    return inbound


def redrive_stale_inbound(limit: int = 200) -> int:
    """Sweeper: process mail whose task was lost (received a while ago) or whose worker
    died (lease expired)."""
    ids = work.due(INBOUND_WORK, limit=limit, stale_after=STALE_AFTER)
    return len(process_batch(ids)) if ids else 0


def stored_message(inbound: InboundMail) -> Message | None:
    return Message.objects.filter(pk=inbound.message_id).first() if inbound.message_id else None
