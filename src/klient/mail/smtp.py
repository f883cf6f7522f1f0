"""The SMTP listener: mail for a team's address arrives here.

Unknown recipients are refused at RCPT (550), oversize mail at MAIL (SIZE) or DATA (552).
The raw bytes are stored durably through `mail.actions.accept_raw` *before* we answer 250;
if storing fails the sender is told to try again (451), never "accepted". Processing is
only hinted with a task: the sweeper re-drives received mail whatever happens to the hint.

The ORM is synchronous, so every database call runs in a small thread pool owned by the
listener; each thread keeps its connection, checked again after an idle moment or an
error. Recipients are checked against an in-memory copy of the team addresses, refreshed
every few seconds; an address it does not know is looked up in the database before it is
refused, so a team added a moment ago never gets a 550."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections

from klient.people.queries import team_for_email

from . import addresses

logger = logging.getLogger(__name__)

T = TypeVar("T")

# RFC 5321 caps lines at 1,000 octets, but real mailers send longer ones; refusing their
# mail would lose a customer's message, so we accept lines up to this length.
LINE_LENGTH_LIMIT = 64 * 1024
TEMPORARY_FAILURE = "451 4.3.0 temporary failure, try again"


# A connection used less than this long ago, without error since, is used without
# checking it again: under a stream of mail the health check (a round trip on
# PostgreSQL) cost as much as storing the message's row.
CHECK_CONNECTION_AFTER_IDLE = 1.0
# How long a copy of the team addresses answers RCPT before it is read again.
TEAM_ADDRESSES_FOR = 10.0

_thread_state = threading.local()


def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run fn in an executor thread. Each thread keeps its database connection between
    messages (opening one per message cost more than storing the mail); after an idle
    moment or a failure, unusable or expired connections are replaced first."""
    last_ok = getattr(_thread_state, "last_ok", None)
    if last_ok is None or time.monotonic() - last_ok > CHECK_CONNECTION_AFTER_IDLE:
        close_old_connections()
    _thread_state.last_ok = None
    result = fn(*args)
    _thread_state.last_ok = time.monotonic()
    return result


def team_for_address(address: str) -> int | None:
    """The id of the team receiving mail at `address` (or a plus-addressed form of it)."""
    base, _ = addresses.split_plus(address)
    if not base or "@" not in base:
        return None
    return team_for_email(base)


def _store(raw: bytes, mail_from: str, rcpts: list[str], team_id: int | None) -> tuple[int, bool]:
    """Store the mail durably (bytes synced, row committed), then hint processing; one trip
    to the executor (and one connection check) per message. The hint is best-effort: the
    sweeper processes received mail without it."""
    from . import actions, tasks

    inbound, created = actions.accept_raw(
        raw, source="smtp", envelope_from=mail_from, envelope_to=rcpts, team_id=team_id
    )
    if created:
        try:
            tasks.wake_inbound_processing(inbound.pk)
        except Exception:
            logger.exception("SMTP: could not enqueue inbound mail %s", inbound.pk)
    return inbound.pk, created


class KlientHandler:
    """aiosmtpd handler: decides at RCPT, stores at DATA."""

    def __init__(self, executor: ThreadPoolExecutor, max_bytes: int) -> None:
        self.executor = executor
        self.max_bytes = max_bytes
        self._teams: dict[str, int] = {}
        self._teams_read_at = float("-inf")

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, _in_thread, fn, *args)

    async def _team_of(self, address: str) -> int | None:
        """The team receiving mail at `address`, from the copy of the team addresses when
        it knows the address, from the database otherwise."""
        if time.monotonic() - self._teams_read_at > TEAM_ADDRESSES_FOR:
            from .pipeline import team_addresses

            self._teams = await self._run(team_addresses)
            self._teams_read_at = time.monotonic()
        base, _ = addresses.split_plus(address)
        team_id = self._teams.get(base)
        if team_id is None:
            team_id = await self._run(team_for_address, address)
        return team_id

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            team_id = await self._team_of(address)
        except Exception:
            logger.exception("SMTP: could not look up the team of %s", address)
            return TEMPORARY_FAILURE
        if team_id is None:
            return f"550 5.1.1 <{address}>: no such team here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        team_ids: list[int] = envelope.__dict__.setdefault("klient_team_ids", [])
        team_ids.append(team_id)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content
        if raw is None:  # only when decode_data=True, which we never set
            content = envelope.content or b""
            raw = content if isinstance(content, bytes) else content.encode("utf-8")
        if len(raw) > self.max_bytes:
            return f"552 5.3.4 message exceeds the size limit of {self.max_bytes} bytes"
        team_ids: list[int] = envelope.__dict__.get("klient_team_ids", [])
        rcpts = list(envelope.rcpt_tos)
        try:
            inbound_id, _ = await self._run(
                _store,
                bytes(raw),
                envelope.mail_from or "",
                rcpts,
                team_ids[0] if team_ids else None,
            )
        except Exception:
            logger.exception("SMTP: could not store a message from %s", envelope.mail_from)
            return TEMPORARY_FAILURE
        logger.info("SMTP: queued inbound mail %s for %s", inbound_id, ", ".join(rcpts))
        return f"250 2.0.0 queued as {inbound_id}"


# `<dot-atom@domain>` and the parameters after it: what nearly every MAIL FROM and RCPT TO
# says. Anything else (quoted local parts, comments, address literals, no brackets, UTF-8)
# is left to aiosmtpd's own parser.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_PATH = re.compile(
    rf"<({_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>(?: ([^\s(].*))?", re.DOTALL
)


class _KlientSMTP(SMTP):
    line_length_limit = LINE_LENGTH_LIMIT

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd's answer, found without its RFC 5322 parser for a plain path: that
        parser (and a class it defines on every call) took a tenth of the embedded server's
        CPU time under a stream of mail. Proven to give the same answer by
        tests/mail/test_smtp_addresses.py."""
        plain = _PLAIN_PATH.fullmatch(arg)
        if plain is None:
            return super()._getaddr(arg)
        address = plain.group(1)
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, plain.group(2) or ""


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _KlientSMTP(self.handler, **self.SMTP_kwargs)


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class SmtpListener:
    """A running SMTP server in its own thread: start(), stop(); port 0 picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 2525) -> None:
        self.host = host
        self.port = port
        self._controller: _Controller | None = None
        self._executor: ThreadPoolExecutor | None = None

    def start(self) -> None:
        if self._controller is not None:
            return
        if self.port == 0:
            self.port = _free_port(self.host)
        max_bytes = int(settings.KLIENT_MAX_MESSAGE_BYTES)
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="klient-smtp")
        handler = KlientHandler(self._executor, max_bytes)
        self._controller = _Controller(
            handler,
            hostname=self.host,
            port=self.port,
            server_hostname=settings.KLIENT_MAIL_DOMAIN,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            ident="Klient ESMTP",
        )
        try:
            self._controller.start()
        except BaseException:
            self._controller = None
            self._executor.shutdown(wait=False)
            self._executor = None
            raise
        logger.info("SMTP listener on %s:%s", self.host, self.port)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def __enter__(self) -> SmtpListener:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
