"""The IMAP poller: fetch new mail from a team's mailbox, store it, then mark it seen.

Per batch of messages, in UID order: store the raw bytes (`accept_raw`), then set \\Seen
on the server and advance `last_uid`, then process them. A crash after storing but
before flagging is harmless: the message is fetched again next time, and `accept_raw`
recognises the same bytes by their hash, so nothing is lost and nothing is stored twice.
Mail stored but not processed (a crash in processing) is re-driven by the sweeper. A change
of UIDVALIDITY means the server renumbered its messages: we start again from UID 0
under the same dedupe."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from klient.core import work
from klient.core.events import append
from klient.core.sealing import UnsealError

from . import actions
from .events import Kind
from .models import ImapMailbox, InboundMail

logger = logging.getLogger(__name__)

FETCH_BATCH = 50  # messages per FETCH
FETCH_BATCH_BYTES = 50 * 1024 * 1024  # ... and at most this much mail in memory at once
POLL_EVERY = timedelta(seconds=60)
TIMEOUT_SECONDS = 30
SEEN = b"\\Seen"

# What a broken server, network or login can raise; anything else is a bug and propagates.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, unreachable, timeouts (socket.timeout is an OSError), TLS errors
    IMAPClientError,  # LoginError, CapabilityError, IMAPClientAbortError, ...
    imaplib.IMAP4.error,
    ssl.SSLError,
    socket.gaierror,
)


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def describe(self) -> str:
        if self.error:
            return f"{self.mailbox}: failed: {self.error}"
        if not self.fetched:
            return f"{self.mailbox}: no new mail"
        parts = [f"{self.stored} stored"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already known")
        if self.quarantined:
            parts.append(f"{self.quarantined} quarantined (see `klient quarantine list`)")
        return f"{self.mailbox}: {self.fetched} new: " + ", ".join(parts)


def _batches(sizes: dict[int, int]) -> Iterator[list[int]]:
    """UIDs in ascending order, in groups of at most FETCH_BATCH messages and
    FETCH_BATCH_BYTES bytes (a single larger message is a group of its own)."""
    batch: list[int] = []
    total = 0
    for uid in sorted(sizes):
        if batch and (len(batch) >= FETCH_BATCH or total + sizes[uid] > FETCH_BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch


# A password sealed under a lost key is recorded like a failed login.
_CONNECT_ERRORS: tuple[type[BaseException], ...] = (*CONNECTION_ERRORS, UnsealError)


def connect(
    *,
    host: str,
    port: int,
    use_ssl: bool,
    starttls: bool,
    username: str,
    password: str,
    timeout: float = TIMEOUT_SECONDS,
) -> IMAPClient:
    """A signed-in connection: TLS from the first byte (use_ssl), or upgraded with STARTTLS
    before the password is sent, or (neither) in clear. Certificates are verified against
    the system's authorities. Every network step waits at most `timeout` seconds."""
    client = IMAPClient(host, port=port, ssl=use_ssl, timeout=timeout)
    try:
        if starttls and not use_ssl:
            client.starttls()
        client.login(username, password)
    except BaseException:
        logout(client)
        raise
    return client


def _connect(mailbox: ImapMailbox) -> IMAPClient:
    password = mailbox.password()  # before connecting: a key problem is not a server's
    return connect(
        host=mailbox.host,
        port=mailbox.port,
        use_ssl=mailbox.use_ssl,
        starttls=mailbox.starttls,
        username=mailbox.username,
        password=password,
    )


def logout(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):  # the connection is going away either way
        client.logout()


def _store(mailbox: ImapMailbox, raw: bytes, result: PollResult) -> int | None:
    """Store one fetched message; the id of its row if it still needs processing."""
    inbound, created = actions.accept_raw(raw, source="imap", team_id=mailbox.team_id)
    result.fetched += 1
    if created or inbound.state == InboundMail.State.RECEIVED:
        return inbound.pk
    if inbound.state in (InboundMail.State.DONE, InboundMail.State.QUARANTINED):
        result.duplicates += 1
    return None  # another worker holds it


def _process(mailbox: ImapMailbox, inbound_ids: list[int], result: PollResult) -> None:
    if not inbound_ids:
        return
    try:
        outcomes = actions.process_batch(inbound_ids)
    except Exception:
        # The mail is stored and flagged; the sweeper re-drives its processing.
        logger.exception("IMAP %s: processing inbound mail %s failed", mailbox, inbound_ids)
        return
    for outcome in outcomes.values():
        if outcome == "stored":
            result.stored += 1
        elif outcome == "duplicate":
            result.duplicates += 1
        elif outcome == "quarantined":
            result.quarantined += 1


def _store_batch(
    client: IMAPClient, mailbox: ImapMailbox, batch: list[int], result: PollResult
) -> list[int]:
    """Store the messages of one batch in UID order, then flag them \\Seen and advance
    last_uid past them. If storing fails part-way, what was stored is still flagged and
    passed; the rest is fetched again next time. Returns the rows to process."""
    fetched = client.fetch(batch, ["BODY.PEEK[]"])
    passed: list[int] = []
    to_process: list[int] = []
    try:
        for uid in batch:
            raw = fetched.get(uid, {}).get(b"BODY[]")
            # None: expunged since the SEARCH; nothing to store.
            if raw is not None and (pk := _store(mailbox, bytes(raw), result)) is not None:
                to_process.append(pk)
            passed.append(uid)
    finally:
        if passed:
            client.add_flags(passed, [SEEN])
            ImapMailbox.objects.filter(pk=mailbox.pk).update(last_uid=passed[-1])
            mailbox.last_uid = passed[-1]
    return to_process


def _poll(client: IMAPClient, mailbox: ImapMailbox, result: PollResult) -> None:
    selected = client.select_folder(mailbox.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    last_uid = mailbox.last_uid
    if mailbox.uidvalidity != uidvalidity:
        if mailbox.uidvalidity is not None:
            logger.warning(
                "IMAP %s: UIDVALIDITY changed from %s to %s; fetching everything again",
                mailbox,
                mailbox.uidvalidity,
                uidvalidity,
            )
        with transaction.atomic():
            ImapMailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
            if mailbox.uidvalidity is not None:
                append(
                    Kind.IMAP_UIDVALIDITY_CHANGED,
                    actor_label="system",
                    data={"mailbox": mailbox.pk, "old": mailbox.uidvalidity, "new": uidvalidity},
                )
        mailbox.uidvalidity, mailbox.last_uid, last_uid = uidvalidity, 0, 0
    # "n:*" always includes the highest UID, even when it is below n: filter.
    uids = [uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid]
    sizes: dict[int, int] = {}
    if uids:
        for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items():
            sizes[uid] = int(data.get(b"RFC822.SIZE", 0))
    for batch in _batches(sizes):
        _process(mailbox, _store_batch(client, mailbox, batch, result), result)


def poll_mailbox(mailbox: ImapMailbox) -> PollResult:
    """Fetch, store and flag the new mail of one mailbox. A failing server or login is
    recorded in `last_error` and in the result; it does not raise."""
    result = PollResult(mailbox=str(mailbox))
    try:
        client = _connect(mailbox)
    except _CONNECT_ERRORS as exc:
        result.error = describe_error(exc)
    else:
        try:
            _poll(client, mailbox, result)
        except CONNECTION_ERRORS as exc:
            result.error = describe_error(exc)
        finally:
            logout(client)
    _record(mailbox, result)
    return result


def describe_error(exc: BaseException) -> str:
    """The exception as one line, with the server's own words where it gave some."""
    text = str(exc)
    if text.startswith(("b'", 'b"')):  # imaplib errors carry the server's bytes
        text = text[2:-1]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _record(mailbox: ImapMailbox, result: PollResult) -> None:
    now = timezone.now()
    previous_error = (
        ImapMailbox.objects.filter(pk=mailbox.pk).values_list("last_error", flat=True).first()
    )
    with transaction.atomic():
        ImapMailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=now, last_error=result.error[:5000]
        )
        if result.error and result.error != previous_error:
            append(
                Kind.IMAP_POLL_FAILED,
                actor_label="system",
                data={"mailbox": mailbox.pk, "error": result.error[:500]},
            )
        elif not result.error and previous_error:
            append(Kind.IMAP_POLL_RECOVERED, actor_label="system", data={"mailbox": mailbox.pk})
    mailbox.last_polled_at, mailbox.last_error = now, result.error
    if result.error:
        logger.warning("IMAP %s: %s", mailbox, result.error)


def poll_all() -> list[str]:
    """`klient imap poll`: poll every mailbox once, now, under its lease (a mailbox a
    worker is polling at this moment is left to it); one human line per mailbox."""
    mailboxes = list(ImapMailbox.objects.filter(is_active=True).order_by("pk"))
    if not mailboxes:
        return ["no enabled IMAP mailboxes (add one with `klient imap add`)"]
    lines = []
    for mailbox in mailboxes:
        held = work.claim_one(POLL_WORK, mailbox.pk)
        if held is None:
            lines.append(f"{mailbox}: being polled by a worker right now, left to it")
            continue
        with work.holding(held):
            try:
                lines.append(poll_mailbox(mailbox).describe())
            finally:
                work.complete(held, mailbox.pk)
    return lines


# A poll as durable work: a mailbox is due POLL_EVERY after its last poll, and held under
# a lease (renewed while it is polled) so that two workers never poll it at once, however
# long a poll takes; a killed worker's mailbox is polled again once its lease runs out.
POLL_WORK = work.WorkKind(
    ImapMailbox,
    policy=work.RetryPolicy(first_retry=POLL_EVERY, longest=POLL_EVERY, max_attempts=2**31),
    ready=None,
    attempts_field=None,
    due_field=None,
    error_field=None,
    order_by=("last_polled_at", "pk"),
)


def poll_due_mailboxes() -> int:
    """Sweep: poll each enabled mailbox not polled for POLL_EVERY and not held by another
    worker. Returns how many messages were fetched."""
    now = timezone.now()
    not_recently = Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=now - POLL_EVERY)
    due = Q(is_active=True) & not_recently
    fetched = 0
    for pk in work.due(POLL_WORK, among=due, now=now):
        held = work.claim_one(POLL_WORK, pk, among=due, now=now)
        if held is None:
            continue  # another worker is polling it
        with work.holding(held):
            try:
                fetched += poll_mailbox(ImapMailbox.objects.get(pk=pk)).fetched
            except BaseException:
                # A bug, not a server's failure (those are recorded): wait a poll interval.
                work.complete(held, pk, last_polled_at=timezone.now())
                raise
            work.complete(held, pk)
    return fetched
