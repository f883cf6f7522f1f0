"""`klient import zendesk PATH`: a folder of Zendesk's JSON exports into Klient.

Organisations first, then users, then tickets, BATCH objects to a transaction and each in
a savepoint with its checkpoint, so a crash loses at most the batch being written and a
rerun continues where the last one stopped. Nothing aborts the whole import: a line that is
not JSON, a ticket that cannot be read or stored, an attachment whose file is missing is
skipped or warned about with its reason, and the report lists them (docs/importers.md)."""

from __future__ import annotations

import logging
import os
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from tqdm import tqdm

from klient.core import blobs
from klient.core.transactions import entry_point
from klient.mail.filenames import normalise_filename
from klient.people.identities import normalise_email
from klient.people.models import Team

from . import actions
from . import zendesk_format as zf
from .models import ImportedObject, ImportRun
from .report import Report, build

logger = logging.getLogger(__name__)

SOURCE = "zendesk"
TICKETS, USERS, ORGANIZATIONS, TICKET_FIELDS, GROUPS = (
    "tickets.json",
    "users.json",
    "organizations.json",
    "ticket_fields.json",
    "groups.json",
)
FETCH_TIMEOUT = 30.0
# Objects stored per transaction. Each keeps its checkpoint in the transaction that stores
# it; fewer commits make an import of 2,000 tickets several times faster on PostgreSQL,
# where each commit waits for the disk (docs/performance.md, "Zendesk import").
BATCH = 25
Kind = ImportedObject.Kind


class ZendeskExportError(Exception):
    """The folder is not a Zendesk export, or there is no team; str() says which."""


class MissingFile(Exception):
    """An attachment's bytes could not be had; str() says why."""


def import_export(
    path: str | os.PathLike[str], *, team: Team | None = None, progress: bool = True
) -> Report:
    root = Path(path).expanduser().resolve()
    if not root.is_dir():
        raise ZendeskExportError(f"{root}: not a folder")
    if not (root / TICKETS).is_file():
        raise ZendeskExportError(f"{root}: no {TICKETS} (a Zendesk JSON export holds one)")
    team = team or Team.objects.order_by("pk").first()
    if team is None:
        raise ZendeskExportError(
            "there is no team to import into: create one first with "
            "`klient team add NAME --address ADDRESS`"
        )
    started = time.perf_counter()
    with entry_point():
        run = actions.start_run(SOURCE, str(root), team)
    importer = _Importer(run, root)
    total = sum(zf.count_lines(root / name) for name in (ORGANIZATIONS, USERS, TICKETS))
    with tqdm(
        total=total,
        unit="obj",
        file=sys.stderr,
        disable=not progress,
        desc=f"importing {root.name}",
    ) as bar:
        importer.bar = bar
        importer.organisations()
        importer.users()
        importer.tickets()
    with entry_point():
        counts = build(run).counts()
        actions.finish_run(run, counts)
    return build(run, earlier=importer.earlier, elapsed=time.perf_counter() - started)


class _Importer:
    def __init__(self, run: ImportRun, root: Path) -> None:
        self.run = run
        self.root = root
        self.bar: Any = None
        self.earlier = 0
        self.done: dict[str, set[str]] = {}
        for kind, source_id, run_id in ImportedObject.objects.filter(source=SOURCE).values_list(
            "kind", "source_id", "run_id"
        ):
            self.done.setdefault(kind, set()).add(source_id)
            if run_id != run.pk and kind != Kind.LINE:
                self.earlier += 1
        self.field_types = self._field_types()
        self._warned: set[tuple[str, str]] = set()
        self.teams = self._teams_of_groups()
        self._queue: list[tuple[str, str, Callable[[], Any]]] = []

    # -- reading ---------------------------------------------------------------------------

    def _objects(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, object) of each readable line; unreadable lines are skipped."""
        path = self.root / name
        if not path.is_file():
            if name != TICKETS:
                actions_warn(self.run, "missing_file", name, "not in the export: nothing from it")
            return
        for line in zf.read_lines(path):
            if self.bar is not None:
                self.bar.update(1)
            if line.data is None:
                self._skip(Kind.LINE, f"{name}:{line.number}", line.error)
                continue
            yield line.number, line.data

    def _teams_of_groups(self) -> dict[int, Team]:
        """Zendesk group id -> the Klient team of the same name (case and spacing aside).
        groups.json is optional; a group with no such team sends its tickets to the run's
        team, said once in the report."""
        path = self.root / GROUPS
        if not path.is_file():
            return {}
        teams = {" ".join(team.name.split()).casefold(): team for team in Team.objects.all()}
        found: dict[int, Team] = {}
        for line in zf.read_lines(path):
            if line.data is None:
                continue
            try:
                gid, name = zf.group(line.data)
            except zf.Malformed as exc:
                actions_warn(self.run, "group", f"{GROUPS}:{line.number}", str(exc))
                continue
            team = teams.get(name.casefold())
            if team is None:
                actions_warn(
                    self.run,
                    "group_without_team",
                    f"{name} ({gid})",
                    f"no Klient team of that name: its tickets go to {self.run.team.name}",
                )
                continue
            found[gid] = team
        return found

    def _field_types(self) -> dict[int, zf.FieldType]:
        path = self.root / TICKET_FIELDS
        if not path.is_file():
            return {}
        found: dict[int, zf.FieldType] = {}
        for line in zf.read_lines(path):
            if line.data is None:
                continue
            try:
                ft = zf.field_type(line.data)
            except zf.Malformed:
                continue
            found[ft.id] = ft
        return found

    def _is_done(self, kind: str, source_id: Any) -> bool:
        return str(source_id) in self.done.get(kind, set())

    def _skip(self, kind: str, source_id: Any, reason: str) -> None:
        if self._is_done(kind, source_id):
            return
        logger.warning("zendesk import: %s %s skipped: %s", kind, source_id, reason)
        with entry_point():
            actions.skip(self.run, kind, str(source_id), reason)
        self.done.setdefault(kind, set()).add(str(source_id))

    # -- organisations and users -----------------------------------------------------------

    def organisations(self) -> None:
        for number, data in self._objects(ORGANIZATIONS):
            try:
                org = zf.organization(data)
            except zf.Malformed as exc:
                self._skip(Kind.LINE, f"{ORGANIZATIONS}:{number}", str(exc))
                continue
            if self._is_done(Kind.ORGANIZATION, org.id):
                continue
            self._store(Kind.ORGANIZATION, org.id, actions.import_organisation, self.run, org)
        self._flush()

    def users(self) -> None:
        organisations = self._mapped(Kind.ORGANIZATION)
        agents = {
            normalise_email(email): pk
            for email, pk in get_user_model()
            .objects.filter(is_active=True)
            .exclude(email="")
            .values_list("email", "pk")
        }
        for number, data in self._objects(USERS):
            try:
                user = zf.user(data)
            except zf.Malformed as exc:
                self._skip(Kind.LINE, f"{USERS}:{number}", str(exc))
                continue
            if self._is_done(Kind.USER, user.id) or self._is_done(Kind.AGENT, user.id):
                continue
            self._store(
                Kind.AGENT if user.is_agent else Kind.USER,
                user.id,
                actions.import_user,
                self.run,
                user,
                organisations=organisations,
                agents=agents,
            )
        self._flush()

    def _mapped(self, kind: str) -> dict[int, int]:
        return {
            int(source_id): klient_id
            for source_id, klient_id in ImportedObject.objects.filter(
                source=SOURCE, kind=kind, klient_id__isnull=False
            ).values_list("source_id", "klient_id")
            if klient_id is not None
        }

    def _people(self) -> dict[int, actions.Person]:
        found: dict[int, actions.Person] = {}
        for kind, source_id, klient_id, details in ImportedObject.objects.filter(
            source=SOURCE, kind__in=[Kind.USER, Kind.AGENT], skipped=""
        ).values_list("kind", "source_id", "klient_id", "details"):
            found[int(source_id)] = actions.Person(
                name=details.get("name", ""),
                address=details.get("address", ""),
                customer_id=klient_id if kind == Kind.USER else None,
                agent_id=klient_id if kind == Kind.AGENT else None,
                language=details.get("language", ""),
            )
        return found

    def _store(self, kind: str, source_id: Any, action: Any, *args: Any, **kwargs: Any) -> None:
        """Queue one object; BATCH of them are stored in one transaction (`_flush`)."""
        self._queue.append((kind, str(source_id), lambda: action(*args, **kwargs)))
        self.done.setdefault(kind, set()).add(str(source_id))  # a repeated id is not queued twice
        if len(self._queue) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        """Store the queued objects in one transaction, each in a savepoint of its own: an
        object that fails is rolled back alone and checkpointed as skipped with the error,
        in the same transaction. A crash loses at most this batch, which a rerun redoes."""
        queued, self._queue = self._queue, []
        if not queued:
            return
        with entry_point():
            for kind, source_id, store in queued:
                try:
                    with transaction.atomic():
                        store()
                except Exception as exc:
                    logger.exception("zendesk import: %s %s could not be stored", kind, source_id)
                    reason = f"could not be stored: {type(exc).__name__}: {exc}"
                    actions.skip(self.run, kind, source_id, reason)

    # -- tickets ---------------------------------------------------------------------------

    def tickets(self) -> None:
        people = self._people()
        for number, data in self._objects(TICKETS):
            try:
                ticket = zf.ticket(data)
            except zf.Malformed as exc:
                tid = data.get("id")
                if isinstance(tid, int) and tid > 0:
                    self._skip(Kind.TICKET, tid, str(exc).removeprefix(f"ticket {tid}: "))
                else:
                    self._skip(Kind.LINE, f"{TICKETS}:{number}", str(exc))
                continue
            if self._is_done(Kind.TICKET, ticket.id):
                continue
            requester = people.get(ticket.requester_id)
            if requester is None or not requester.is_customer:
                why = "not in users.json" if requester is None else "an agent, not a customer"
                self._skip(Kind.TICKET, ticket.id, f"requester {ticket.requester_id} is {why}")
                continue
            self._note_unmapped(ticket)
            self._store(
                Kind.TICKET,
                ticket.id,
                actions.import_ticket,
                self.run,
                ticket,
                people_by_id=people,
                files=self._files(ticket),
                custom_fields=self._custom_fields(ticket),
                team=self.teams.get(ticket.group_id or 0),
            )
        self._flush()

    def _note_unmapped(self, ticket: zf.Ticket) -> None:
        for name in ticket.unmapped:
            if ("unmapped_field", name) not in self._warned:
                self._warned.add(("unmapped_field", name))
                actions_warn(
                    self.run,
                    "unmapped_field",
                    f"ticket.{name}",
                    "no place in Klient; kept with the ticket's checkpoint",
                )

    def _custom_fields(self, ticket: zf.Ticket) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for fid, raw in ticket.custom_fields:
            ft = self.field_types.get(fid, zf.FieldType(fid, "unknown", ""))
            value, known = zf.custom_value(ft.type, raw)
            name = ft.title or f"field {fid}"
            values[name] = value
            if not known and ("custom_field", str(fid)) not in self._warned:
                self._warned.add(("custom_field", str(fid)))
                actions_warn(
                    self.run,
                    "custom_field",
                    f"{name} ({fid})",
                    f"type {ft.type!r} is not one Klient knows: its values are kept as text",
                )
        return values

    def _files(self, ticket: zf.Ticket) -> dict[int, actions.StoredFile]:
        """The ticket's attachments, stored as blobs before its transaction (content
        addressed: a crash leaves at most a blob nothing names, never a name without bytes)."""
        stored: dict[int, actions.StoredFile] = {}
        for comment in ticket.comments:
            for attachment in comment.attachments:
                try:
                    data = self._load(attachment)
                except MissingFile as exc:
                    actions_warn(
                        self.run,
                        "missing_attachment",
                        f"attachment {attachment.id} ({attachment.file_name})",
                        f"ticket {ticket.id}: {exc}; the message is kept without it",
                    )
                    continue
                stored[attachment.id] = actions.StoredFile(
                    attachment=attachment,
                    file_name=normalise_filename(attachment.file_name),
                    blob=blobs.store(data),
                    size=len(data),
                )
        return stored

    def _load(self, attachment: zf.Attachment) -> bytes:
        """From `attachments/<id>/<file name>` in the export, else from its content_url
        (a file:// URL, or http(s) for an export whose files were not downloaded)."""
        folder = self.root / "attachments" / str(attachment.id)
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir() if p.is_file())
            named = [p for p in files if p.name == attachment.file_name]
            if named or len(files) == 1:
                return (named or files)[0].read_bytes()
        url = attachment.content_url
        parts = urlsplit(url)
        try:
            if parts.scheme == "file":
                return Path(unquote(parts.path)).read_bytes()
            if parts.scheme in ("http", "https"):
                with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                    return bytes(response.read())
        except OSError as exc:
            raise MissingFile(f"{url} could not be read ({exc})") from exc
        raise MissingFile(f"no file in attachments/{attachment.id}/ and no usable content_url")


def actions_warn(run: ImportRun, code: str, subject: str, message: str) -> None:
    with entry_point():
        actions.warn(run, code, subject, message)
