"""Durable work: one implementation of claim, renew, complete, fail and sweep.

Work that must happen is a row with a state and a lease (DESIGN "Durable work"). Each kind
of row (inbound mail, deliveries, notification emails, the event outbox, escalations,
follow-ups, sign-in links, ...) is described once by a `WorkKind`: which columns hold its
state, lease, attempts, due time and last error, and its `RetryPolicy`. The functions here
are the only code that takes, extends, releases or gives up a lease:

- `claim`: one conditional UPDATE; of two workers racing for a row exactly one wins. The
  exact lease time written tells the winner's rows apart from a concurrent worker's.
- `renew`: a worker extends the leases it holds while it works (`holding` registers a
  claim; the worker's heartbeat thread calls `renew_held`), so leases can be short and a
  killed worker's rows are taken over within seconds (KLIENT_LEASE_SECONDS).
- `complete` / `fail`: record the outcome, only while the lease is still ours. `fail`
  retries transient errors with the kind's backoff and gives up permanent ones at once.
- `due`: the ids a sweep re-drives: due rows whose wake-up was lost, and rows whose lease
  expired (their worker died).

The backoff and give-up rules (`RetryPolicy`) and the transient/permanent split
(`is_permanent`) are pure, and property-tested."""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from klient.core.transactions import in_transaction

logger = logging.getLogger(__name__)


# -- rules (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed attempt is tried again, and when to give up.

    The n-th failed attempt waits first_retry * 2**(n-1), at most longest, plus up to
    `jitter` of it (so many rows failing together do not all come back at once); after
    max_attempts attempts the row fails for good."""

    first_retry: timedelta
    longest: timedelta
    max_attempts: int
    jitter: float = 0.1

    def delay(self, attempts: int, spread: float | None = None) -> timedelta:
        """How long to wait after `attempts` attempts failed; `spread` in [0, 1) picks the
        jitter (random if not given)."""
        if spread is None:
            spread = random.random()  # jitter, not a secret
        exponent = min(max(attempts - 1, 0), 1000)  # far past the cap; keeps floats finite
        base = min(self.first_retry.total_seconds() * 2.0**exponent, self.longest.total_seconds())
        return timedelta(seconds=base * (1 + self.jitter * spread))

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def retry_at(
        self, attempts: int, *, permanent: bool, now: datetime, spread: float | None = None
    ) -> datetime | None:
        """When to try again after a failed attempt; None to give up now."""
        if permanent or self.gives_up(attempts):
            return None
        return now + self.delay(attempts, spread)


def is_permanent(exc: BaseException, attempts: int = 1) -> bool:
    """Whether the same attempt can only fail again: a value that cannot fit its column
    (DataError: "value too long", out of range, bad encoding) or a validation failure, at
    once; a broken constraint (IntegrityError) from the second attempt in a row, since the
    first may be a race with a concurrent writer that a retry settles. Anything else (a
    locked database, a lost connection, a relay that is down) is worth retrying."""
    if isinstance(exc, DataError | ValidationError):
        return True
    return isinstance(exc, IntegrityError) and attempts >= 2


def describe(exc: BaseException) -> str:
    """A one-line reason for an operator: kind of error and its message."""
    if isinstance(exc, ValidationError):
        text = " ".join(exc.messages)
    else:
        text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- kinds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkKind:
    """How one model's rows are durable work. State names stay the model's own; the
    fields name its columns (None: the model has no such column)."""

    model: type[models.Model]
    policy: RetryPolicy
    ready: str | None  # the state of rows waiting to be done (None: no state column)
    held: str | None = None  # the state while leased (None: ready rows with a lease)
    failed: str | None = None
    state_field: str = "state"
    lease_field: str = "lease_until"
    attempts_field: str | None = "attempts"
    due_field: str | None = "next_attempt_at"
    error_field: str | None = "last_error"
    order_by: tuple[str, ...] = ("pk",)
    # Rows this old past their due time are re-driven by the sweep: their wake-up was lost.
    stale_after: timedelta = timedelta(0)
    # False when the due column is a fact about the row (when mail was received), not a
    # schedule: a retry is then due at once, and the sweep takes it after stale_after.
    reschedules: bool = True

    def _state(self, value: str | None) -> Q:
        return Q(**{self.state_field: value}) if value is not None else Q()

    def claimable(self, now: datetime, *, due_by: datetime | None = None) -> Q:
        """Rows free to take at `now`: waiting and due by `due_by` (default now), or held
        under a lease that has run out. When the due column is a fact, not a schedule
        (`reschedules` False), it only gates the sweep (`due_by` given): a worker woken
        for a row takes it at once, whatever the clocks of other hosts say."""
        lease = self.lease_field
        free = self._state(self.ready)
        if self.held is None:
            free &= Q(**{f"{lease}__isnull": True})
        if self.due_field is not None and (self.reschedules or due_by is not None):
            free &= Q(**{f"{self.due_field}__lte": due_by or now})
        expired = self._state(self.held if self.held is not None else self.ready)
        return free | (expired & Q(**{f"{lease}__lt": now}))

    def held_by(self, lease_until: datetime) -> Q:
        q = Q(**{self.lease_field: lease_until})
        return q & self._state(self.held) if self.held is not None else q


def lease_seconds() -> float:
    return float(settings.KLIENT_LEASE_SECONDS)


@dataclass(eq=False)
class Claim:
    """Rows one worker holds under one lease. `lease_until` moves on when renewed; read
    it under `pinned()` when a write depends on it, so a renewal cannot slip between."""

    kind: WorkKind
    ids: list[int]
    lease_until: datetime
    rows: list[Any] = field(default_factory=list)  # the rows themselves, if fetched
    # Re-entrant, so that a transaction can pin the lease and then complete its row. Take
    # it BEFORE opening a transaction that writes held rows: the heartbeat takes it, then
    # updates the rows; the other order could wait for each other for good.
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @contextlib.contextmanager
    def pinned(self) -> Iterator[datetime]:
        """The current lease, not renewed until the block ends: `with held.pinned(),
        transaction.atomic(): ...` for a transaction whose writes depend on it."""
        with self._lock:
            yield self.lease_until

    def release(self, ids: Sequence[int]) -> None:
        """Stop renewing these rows (they are finished)."""
        with self._lock:
            gone = set(ids)
            self.ids = [pk for pk in self.ids if pk not in gone]


def claim(
    kind: WorkKind,
    ids: Sequence[int] | None = None,
    *,
    limit: int | None = None,
    now: datetime | None = None,
    due_by: datetime | None = None,
    among: Q | None = None,
    fetch: bool = False,
    skip_locked: bool = False,
    mark: dict[str, Any] | None = None,
) -> Claim | None:
    """Take rows under a lease: these `ids`, or up to `limit` claimable ones in the kind's
    order. Returns what this worker now holds (never rows another worker holds or that
    are finished), or None; with `fetch`, the rows themselves too, in pk order. Counts an
    attempt on kinds that count them; `mark` sets more columns with the claim.

    With `skip_locked` (and no `ids`), on a database that has it, candidates another
    worker is claiming at this moment are passed over (FOR UPDATE SKIP LOCKED) instead of
    waited for, so several workers sweeping one backlog each take a different part."""
    now = now or timezone.now()
    claimable = kind.claimable(now, due_by=due_by)
    if among is not None:
        claimable &= among
    lease_until = now + timedelta(seconds=lease_seconds())
    changes: dict[str, Any] = {kind.lease_field: lease_until, **(mark or {})}
    if kind.held is not None:
        changes[kind.state_field] = kind.held
    if kind.attempts_field is not None:
        changes[kind.attempts_field] = F(kind.attempts_field) + 1
    manager = kind.model._default_manager
    with transaction.atomic() if skip_locked and ids is None else contextlib.nullcontext():
        if ids is None:
            candidates = manager.filter(claimable).order_by(*kind.order_by)
            if skip_locked and connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(candidates.values_list("pk", flat=True)[: limit or 100])
        if not ids:
            return None
        # The conditional UPDATE is the claim: on PostgreSQL a racing UPDATE waits for our
        # row lock, then re-reads the row and no longer matches; SQLite runs one writer at
        # a time.
        if not manager.filter(claimable, pk__in=ids).update(**changes):
            return None
    # The exact lease time identifies our claim among rows a concurrent worker may hold.
    held = kind.model._default_manager.filter(kind.held_by(lease_until), pk__in=ids).order_by("pk")
    if fetch:
        rows = list(held)
        return Claim(kind, [row.pk for row in rows], lease_until, rows) if rows else None
    mine = list(held.values_list("pk", flat=True))
    return Claim(kind, mine, lease_until) if mine else None


def claim_one(
    kind: WorkKind,
    pk: int,
    *,
    among: Q | None = None,
    now: datetime | None = None,
    mark: dict[str, Any] | None = None,
) -> Claim | None:
    return claim(kind, [pk], among=among, now=now, mark=mark)


def renew(held: Claim, *, now: datetime | None = None) -> int:
    """Extend the lease of the rows of this claim that are still ours; returns how many."""
    with held._lock:
        if not held.ids:
            return 0
        kind = held.kind
        lease_until = (now or timezone.now()) + timedelta(seconds=lease_seconds())
        renewed = kind.model._default_manager.filter(
            kind.held_by(held.lease_until), pk__in=held.ids
        ).update(**{kind.lease_field: lease_until})
        held.lease_until = lease_until
        return renewed


def complete(held: Claim, pk: int | Sequence[int], state: str | None = None, **fields: Any) -> bool:
    """Record finished rows, only while the lease is ours: set `state` (None: leave it, for
    kinds without one) and `fields`, and drop the lease. False if none was still ours
    (the lease ran out and another worker took the rows over)."""
    kind = held.kind
    ids = [pk] if isinstance(pk, int) else list(pk)
    changes = {kind.lease_field: None, **fields}
    if state is not None:
        changes[kind.state_field] = state
    with held.pinned() as lease_until:
        rows = kind.model._default_manager.filter(kind.held_by(lease_until), pk__in=ids)
        done = bool(rows.update(**changes))
        # Released under the same lock: a renewal must not wait for a row this thread's
        # open transaction has just written while this thread waits for the lock.
        held.release(ids)
    return done


def delete(held: Claim, ids: Sequence[int]) -> int:
    """Delete finished rows (the outbox's way of completing), only while the lease is
    ours; returns how many."""
    kind = held.kind
    with held.pinned() as lease_until:
        deleted = kind.model._default_manager.filter(
            kind.held_by(lease_until), pk__in=ids
        ).delete()[0]
        held.release(ids)
    return deleted


def fail(
    held: Claim,
    pk: int,
    attempts: int,
    error: BaseException | str,
    *,
    permanent: bool | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> str:
    """Record a failed attempt: "deferred" (released, due again after the kind's backoff)
    or "failed" (given up: permanent, or out of attempts). Exceptions are classified with
    `is_permanent` unless `permanent` says; the error is kept as the row's last error."""
    kind = held.kind
    now = now or timezone.now()
    if isinstance(error, BaseException):
        if permanent is None:
            permanent = is_permanent(error, attempts)
        reason = describe(error)
    else:
        reason = error
    retry_at = kind.policy.retry_at(attempts, permanent=bool(permanent), now=now)
    # Without a schedule column of its own (the due time is a fact, or there is none), a
    # row waits out its backoff under a lease that runs out at the retry time.
    backoff_lease = (
        retry_at is not None and retry_at > now and (kind.due_field is None or not kind.reschedules)
    )
    changes: dict[str, Any] = {kind.lease_field: retry_at if backoff_lease else None, **fields}
    if kind.error_field is not None:
        if retry_at is None and not permanent:
            reason = f"gave up after {attempts} attempts: {reason}"
        changes[kind.error_field] = reason[:2000]
    if retry_at is None:
        if kind.failed is not None:
            changes[kind.state_field] = kind.failed
        outcome = "failed"
    else:
        if kind.ready is not None and not backoff_lease:
            changes[kind.state_field] = kind.ready
        if kind.due_field is not None and kind.reschedules:
            changes[kind.due_field] = retry_at
        outcome = "deferred"
    with held.pinned() as lease_until:
        kind.model._default_manager.filter(kind.held_by(lease_until), pk=pk).update(**changes)
        held.release([pk])
    return outcome


def due(
    kind: WorkKind,
    *,
    limit: int = 100,
    now: datetime | None = None,
    among: Q | None = None,
    stale_after: timedelta | None = None,
) -> list[int]:
    """For a sweep: ids of rows due at least `stale_after` (default the kind's) ago, whose
    wake-up was lost, or whose lease expired (their worker died), in the kind's order."""
    now = now or timezone.now()
    stale_after = kind.stale_after if stale_after is None else stale_after
    claimable = kind.claimable(now, due_by=now - stale_after)
    if among is not None:
        claimable &= among
    return list(
        kind.model._default_manager.filter(claimable)
        .order_by(*kind.order_by)
        .values_list("pk", flat=True)[:limit]
    )


# -- renewal ------------------------------------------------------------------------------------


def drain_due(
    kind: WorkKind,
    handle: Callable[[Claim, list[int]], None],
    *,
    now: datetime,
    batch: int,
    limit: int = 10_000,
) -> int:
    """A sweep's loop: claim the rows of `kind` due by `now`, `batch` at a time (rows
    another worker is claiming are passed over), and hand each batch's ids, in pk order
    (oldest first: a cancellation never overtakes its booking's email), to
    `handle(held, ids)` while the lease is renewed; until none is due or `limit` rows were
    handled. Returns how many were."""
    done = 0
    while done < limit and (
        held := claim(kind, limit=min(batch, limit - done), now=now, due_by=now, skip_locked=True)
    ):
        ids = sorted(held.ids)
        with holding(held):
            handle(held, ids)
        done += len(ids)
    return done


def each_row(
    held: Claim, ids: Sequence[int], handle_one: Callable[[int], Any], *, what: str, now: datetime
) -> None:
    """`handle_one(pk)` for every id; one that raises is logged and failed (retried after
    the kind's backoff) and the others go on."""
    for pk in ids:
        try:
            handle_one(pk)
        except Exception as exc:
            logger.exception("%s %s failed; retried later", what, pk)
            fail(held, pk, 1, exc, permanent=False, now=now)


_held: set[Claim] = set()
_held_lock = threading.Lock()
_renewing = threading.Event()


@contextlib.contextmanager
def holding(held: Claim | None) -> Iterator[Claim | None]:
    """Keep this claim's lease renewed (by `renew_held`) while the block runs.

    Not a claim made inside a caller's transaction (a retry asked for in a web request):
    until that transaction commits, no other connection sees the claim, so the heartbeat
    could not renew it, and its UPDATE would wait for the caller's row locks while holding
    the claim's lock, which the caller then needs to complete the row."""
    if held is None or in_transaction():
        yield held
        return
    with _held_lock:
        _held.add(held)
    try:
        yield held
    finally:
        with _held_lock:
            _held.discard(held)


def renew_held() -> int:
    """Renew every claim this process holds (the worker's heartbeat calls it every third
    of a lease). Returns how many rows' leases were extended."""
    with _held_lock:
        claims = list(_held)
    total = 0
    for held in claims:
        try:
            total += renew(held)
        except Exception:
            # A missed renewal is made good by the next one, a third of a lease later.
            logger.exception("could not renew the lease of %s", held.kind.model.__name__)
    return total


def renewing() -> bool:
    """True while a heartbeat renews this process's leases: work may then take longer
    than one lease."""
    return _renewing.is_set()


def set_renewing(on: bool) -> None:
    if on:
        _renewing.set()
    else:
        _renewing.clear()


# -- what the admin reads, and a common shape ------------------------------------------------


def given_up(kind: WorkKind) -> models.QuerySet[Any]:
    """Rows of this kind that failed for good (quarantined mail, failed deliveries, ...):
    what the admin's quarantine and failed views list."""
    manager = kind.model._default_manager
    return manager.filter(kind._state(kind.failed)) if kind.failed else manager.none()


class WorkItem(models.Model):
    """The columns of a durable work row: deliveries and sign-in links take this shape,
    and so should new kinds (reminders, callbacks, webhook deliveries). Subclasses declare
    their own `state` choices and a `WorkKind`. Older kinds keep their stored column names
    (inbound mail's reason, notifications' email_*, escalations' error, ...) and name them
    in their WorkKind instead: a rename would be a data migration for nothing."""

    state = models.CharField(max_length=10, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True
