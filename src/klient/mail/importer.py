"""Importing old mail: a folder of .eml files (searched recursively), an mbox file or a
Maildir. Every message takes the same path as live mail (`accept_raw`, then
`process_inbound`), so a message imported twice, or imported and also received, is
stored once. Imported mail is history: it announces nothing (no acknowledgements).

Messages are read as raw bytes, never decoded here; a message that cannot be parsed is
quarantined with its reason, and a file that cannot be read is counted and reported."""

from __future__ import annotations

import logging
import mailbox
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from tqdm import tqdm

from klient.people.models import Team

from . import actions
from .models import InboundMail
from .pipeline import MailAnalysis

logger = logging.getLogger(__name__)

MBOX_MAGIC = b"From "
# Messages accepted together: their raw bytes are made durable with one disk sync (a sync
# costs 0.1-0.3 s on a busy machine, so it must be rare). A thousand messages of a few KB
# is still little memory.
ACCEPT_BATCH = 1000
# Received rows claimed and stored together, in one transaction.
PROCESS_BATCH = 250

KIND_NAMES = {
    "eml-folder": "folder of .eml files",
    "eml": ".eml file",
    "mbox": "mbox",
    "maildir": "Maildir",
}

# A source yields (label, read) pairs; read() returns the raw bytes or raises OSError.
Reader = Callable[[], bytes]


class ImportPathError(Exception):
    """The path is missing or is none of the formats we import; str(exc) says which."""


@dataclass
class ImportSummary:
    path: str
    kind: str
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    deferred: int = 0
    failed_to_read: int = 0
    elapsed: float = 0.0
    unreadable: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.seen / self.elapsed if self.elapsed > 0 else 0.0

    def describe(self) -> str:
        lines = [
            f"{self.seen} messages read from {self.path} ({KIND_NAMES.get(self.kind, self.kind)}) "
            f"in {self.elapsed:.1f} s "
            f"({self.rate:.0f}/s): {self.stored} stored, {self.duplicates} duplicates, "
            f"{self.quarantined} quarantined"
            + (" — see `klient quarantine list`" if self.quarantined else "")
        ]
        if self.deferred:
            lines.append(
                f"{self.deferred} deferred by a database error; the worker will retry them"
            )
        if self.failed_to_read:
            shown = ", ".join(self.unreadable[:5])
            more = f" and {self.failed_to_read - 5} more" if self.failed_to_read > 5 else ""
            lines.append(f"{self.failed_to_read} could not be read: {shown}{more}")
        return "\n".join(lines)


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(MBOX_MAGIC)) == MBOX_MAGIC


def detect(path: Path) -> str:
    """ "maildir", "eml-folder", "mbox" or "eml"; ImportPathError for anything else."""
    if not path.exists():
        raise ImportPathError(f"{path}: no such file or folder")
    if path.is_dir():
        return "maildir" if _is_maildir(path) else "eml-folder"
    if not path.is_file():
        raise ImportPathError(f"{path}: not a regular file or folder")
    try:
        if _looks_like_mbox(path):
            return "mbox"
    except OSError as exc:
        raise ImportPathError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if path.suffix.lower() == ".eml":
        return "eml"
    raise ImportPathError(
        f"{path}: unknown format; give a folder of .eml files, an mbox file "
        "(starting with a 'From ' line) or a Maildir (a folder with cur/ and new/)"
    )


def _eml_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(root) / name
            for name in sorted(files)
            if name.lower().endswith(".eml") and not name.startswith(".")
        )
    return found


def _sources(path: Path, kind: str) -> tuple[int, Iterator[tuple[str, Reader]]]:
    """How many messages there are, and (label, read) for each."""
    if kind in ("eml-folder", "eml"):
        files = _eml_files(path) if kind == "eml-folder" else [path]
        if not files:
            raise ImportPathError(f"{path}: no .eml files in this folder or below it")
        return len(files), ((str(f), f.read_bytes) for f in files)
    box: mailbox.Mailbox
    if kind == "mbox":
        box = mailbox.mbox(path, create=False)
    else:
        box = mailbox.Maildir(path, factory=None, create=False)
    try:
        keys = list(box.keys())
    except OSError as exc:
        raise ImportPathError(f"{path}: cannot be read ({exc.strerror or exc})") from exc

    def read(key: str) -> Reader:
        return lambda: box.get_bytes(key)

    return len(keys), ((f"{path} message {key}", read(key)) for key in keys)


def import_path(
    path: str | os.PathLike[str], *, team: Team | None = None, progress: bool = True
) -> ImportSummary:
    """Import every message under `path` into `team` (or the team its recipients name)."""
    root = Path(path).expanduser()
    kind = detect(root)
    if team is None and not Team.objects.exists():
        raise ImportPathError(
            "there is no team to import into: create one first with "
            "`klient team add NAME --address ADDRESS`"
        )
    total, sources = _sources(root, kind)
    _tune_for_bulk_work()
    summary = ImportSummary(path=str(root), kind=kind)
    team_id = team.pk if team is not None else None
    started = time.perf_counter()
    bar = tqdm(
        total=total,
        unit="msg",
        file=sys.stderr,
        disable=not progress or not sys.stderr.isatty(),
        desc="importing",
    )
    raws: list[bytes] = []
    accepted: Accepted = ([], {})
    try:
        for label, read in sources:
            bar.update(1)
            summary.seen += 1
            try:
                raws.append(read())
            except (OSError, KeyError) as exc:
                summary.failed_to_read += 1
                summary.unreadable.append(label)
                logger.warning("import: cannot read %s: %s", label, exc)
                continue
            if len(raws) >= ACCEPT_BATCH:
                accepted = _accept(raws, team_id, summary, then=accepted)
                raws = []
        accepted = _accept(raws, team_id, summary, then=accepted)
        _process(*accepted, summary)
    finally:
        bar.close()
        summary.elapsed = time.perf_counter() - started
    return summary


def _tune_for_bulk_work() -> None:
    """SQLite: a larger page cache and in-memory temporary tables for
    this process's connection (an import touches many pages once). Durability settings
    (journal mode, synchronous) stay as configured: accepted mail stays as safe as live
    mail."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return  # (temp_store cannot change inside a transaction, as in tests)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -65536")  # KiB: 64 MiB
        cursor.execute("PRAGMA temp_store = MEMORY")


# Accepted rows still to process (id, raw blob digest), and their bytes by digest (so
# processing need not read back what was just written).
Accepted = tuple[list[tuple[int, str]], dict[str, bytes]]


def _accept(
    raws: list[bytes], team_id: int | None, summary: ImportSummary, *, then: Accepted
) -> Accepted:
    """Accept a batch of messages; the previous batch (`then`) is processed meanwhile, while
    this one's bytes are being synced to disk. Returns what this batch leaves to process."""
    if not raws:
        _process(*then, summary)
        return [], {}
    pending: list[tuple[int, str]] = []
    in_memory: dict[str, bytes] = {}
    accepted = actions.accept_raw_many(
        raws, source="import", team_id=team_id, while_syncing=lambda: _process(*then, summary)
    )
    for (inbound, created), raw in zip(accepted, raws, strict=True):
        if (created or inbound.state == InboundMail.State.RECEIVED) and (
            inbound.raw_blob not in in_memory
        ):
            pending.append((inbound.pk, inbound.raw_blob))
            in_memory[inbound.raw_blob] = raw
        else:
            summary.duplicates += 1  # imported before (done, quarantined, or being processed)
    return pending, in_memory


def _process(
    pending: list[tuple[int, str]], raws: dict[str, bytes], summary: ImportSummary
) -> None:
    """Process accepted mail PROCESS_BATCH at a time. Each batch is analysed (parsed,
    classified, sanitised: no database) in another thread while the batch before it is
    being stored, so that this thread's waits on the database are not lost (on
    PostgreSQL they were 40 % of an import's time; the overlap saved 2-3 s of 26-28 s on
    10,000 messages)."""
    batches = [pending[at : at + PROCESS_BATCH] for at in range(0, len(pending), PROCESS_BATCH)]
    if not batches:
        return

    def analyse_batch(batch: list[tuple[int, str]]) -> dict[str, MailAnalysis | Exception]:
        return actions.analyse_many({raw_digest: raws[raw_digest] for _, raw_digest in batch})

    outcomes: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="klient-analyse") as analyser:
        upcoming = analyser.submit(analyse_batch, batches[0])
        for number, batch in enumerate(batches):
            analyses = upcoming.result()
            if number + 1 < len(batches):
                upcoming = analyser.submit(analyse_batch, batches[number + 1])
            outcomes.update(
                actions.process_batch([pk for pk, _ in batch], raws=raws, analyses=analyses)
            )
    for pk, _ in pending:
        outcome = outcomes.get(pk, "duplicate")  # left out: another worker has it
        if outcome == "stored":
            summary.stored += 1
        elif outcome == "duplicate":
            summary.duplicates += 1
        elif outcome == "quarantined":
            summary.quarantined += 1
        else:
            summary.deferred += 1
