"""Reading Zendesk's JSON exports: pure Python, no Django.

The full JSON export (Zendesk Admin Center, "Account > Tools > Reports > Export") writes
one object per line (NDJSON): `tickets.json` with each ticket's `comments` inlined as the
Ticket Comments API returns them (`id`, `author_id`, `body`, `html_body`, `plain_body`,
`public`, `created_at`, `attachments` with `id`, `file_name`, `content_url`,
`content_type`, `size`, `inline`), `users.json` (`id`, `name`, `email`, `phone`, `role`:
end-user | agent | admin, `organization_id`, `locale`, `time_zone`) and
`organizations.json` (`id`, `name`, `domain_names`, `tags`, `details`, `notes`). A
`ticket_fields.json` (`id`, `type`, `title`), when present, types the tickets'
`custom_fields`.

Everything here turns those objects into frozen data the importer stores, and says what
did not fit: a line is never trusted, and what cannot be read becomes a `Malformed` with
its reason instead of an exception."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# Zendesk's ticket statuses -> Klient's (docs/importers.md has the table).
STATUSES = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
}
PRIORITIES = {"urgent": "urgent", "high": "high", "normal": "normal", "low": "low"}
# via.channel -> Klient's channel; anything else (api, rule, …) reads as email.
CHANNELS = {
    "email": "email",
    "web": "web",
    "web_form": "web",
    "web_widget": "web",
    "chat": "chat",
    "native_messaging": "chat",
    "voice": "phone",
    "phone": "phone",
}
AGENT_ROLES = frozenset({"agent", "admin"})

# Ticket fields that Klient reads (or that only repeat what it reads). Any other field
# holding a value is reported as unmapped and kept with the ticket's checkpoint.
TICKET_FIELDS_READ = frozenset(
    {
        "id", "url", "subject", "raw_subject", "description", "status", "priority",
        "requester_id", "submitter_id", "assignee_id", "organization_id", "tags",
        "custom_fields", "fields", "created_at", "updated_at", "via", "comments",
        "generated_timestamp", "is_public", "allow_channelback", "allow_attachments",
        "brand_id", "ticket_form_id", "recipient", "custom_status_id", "from_messaging_channel",
        "collaborator_ids", "email_cc_ids", "group_id",
    }
)  # fmt: skip

# Custom field types Zendesk documents (ticket_fields: type) and how their values read.
KNOWN_FIELD_TYPES = frozenset(
    {
        "text", "textarea", "regexp", "partialcreditcard", "integer", "decimal",
        "checkbox", "date", "tagger", "multiselect",
    }
)  # fmt: skip


class Malformed(ValueError):
    """An object that cannot be imported; str() is the reason the report gives."""


@dataclass(frozen=True)
class Line:
    number: int
    data: dict[str, Any] | None
    error: str = ""


def read_lines(path: Path) -> Iterator[Line]:
    """Each non-blank line of an NDJSON file, parsed, or with the reason it is not an object.
    Bytes are decoded as UTF-8 strictly: a broken line is reported, never guessed at."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Line(number, None, f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            except json.JSONDecodeError as exc:
                yield Line(number, None, f"not JSON ({exc.msg}, column {exc.colno})")
                continue
            if not isinstance(data, dict):
                yield Line(number, None, f"not a JSON object but {type(data).__name__}")
                continue
            yield Line(number, data)


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for raw in fh if raw.strip())


def timestamp(value: Any, what: str) -> datetime:
    """Zendesk's ISO 8601 times ("2024-03-01T09:15:00Z"), always with a zone."""
    if not isinstance(value, str) or not value:
        raise Malformed(f"{what}: no time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Malformed(f"{what}: {value!r} is not a time") from exc
    if parsed.tzinfo is None:
        raise Malformed(f"{what}: {value!r} has no time zone")
    return parsed


def object_id(data: dict[str, Any], what: str) -> int:
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Malformed(f"{what}: no id")
    return value


def optional_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(t.strip().lower()[:60] for t in value if isinstance(t, str) and t.strip())


# -- organisations and users -----------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    details: dict[str, Any]


def organization(data: dict[str, Any]) -> Organization:
    oid = object_id(data, "organization")
    name = _text(data.get("name")).strip()
    if not name:
        raise Malformed(f"organization {oid}: no name")
    kept = {
        key: data[key]
        for key in ("domain_names", "tags", "details", "notes", "organization_fields")
        if data.get(key)
    }
    return Organization(oid, name[:200], kept)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    email: str
    phone: str
    is_agent: bool
    organization_id: int | None
    language: str
    time_zone: str


def user(data: dict[str, Any]) -> User:
    uid = object_id(data, "user")
    email = _text(data.get("email")).strip()
    phone = _text(data.get("phone")).strip()
    locale = _text(data.get("locale"))
    return User(
        id=uid,
        name=_text(data.get("name")).strip()[:200],
        email=email,
        phone=phone,
        is_agent=data.get("role") in AGENT_ROLES,
        organization_id=optional_id(data.get("organization_id")),
        language=locale.split("-")[0].lower()[:8],
        time_zone=_text(data.get("iana_time_zone")) or _text(data.get("time_zone")),
    )


# -- tickets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldType:
    id: int
    type: str
    title: str


def field_type(data: dict[str, Any]) -> FieldType:
    fid = object_id(data, "ticket field")
    return FieldType(fid, _text(data.get("type")) or "unknown", _text(data.get("title")))


@dataclass(frozen=True)
class Attachment:
    id: int
    file_name: str
    content_url: str
    content_type: str
    size: int | None
    inline: bool
    urls: tuple[str, ...]


@dataclass(frozen=True)
class Comment:
    id: int
    author_id: int | None
    public: bool
    body_text: str
    html_body: str
    created_at: datetime
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True)
class Ticket:
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    requester_id: int
    assignee_id: int | None
    organization_id: int | None
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    comments: tuple[Comment, ...]
    # (field id, raw value) of custom fields holding a value.
    custom_fields: tuple[tuple[int, Any], ...]
    # Users copied on the ticket (collaborator_ids, email_cc_ids).
    copied_ids: tuple[int, ...] = ()
    # The Zendesk group the ticket is in: a Klient team of the group's name takes it.
    group_id: int | None = None
    # Top-level fields Klient has no place for: name -> value.
    unmapped: dict[str, Any] = field(default_factory=dict)
    zendesk_status: str = ""


def _attachment(data: Any, where: str) -> Attachment:
    if not isinstance(data, dict):
        raise Malformed(f"{where}: an attachment is not an object")
    aid = object_id(data, f"{where}: attachment")
    name = _text(data.get("file_name")).strip()
    if not name:
        raise Malformed(f"{where}: attachment {aid} has no file_name")
    size = data.get("size")
    urls = tuple(
        u for u in (_text(data.get("content_url")), _text(data.get("mapped_content_url"))) if u
    )
    return Attachment(
        id=aid,
        file_name=name,
        content_url=_text(data.get("content_url")),
        content_type=_text(data.get("content_type")) or "application/octet-stream",
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        inline=data.get("inline") is True,
        urls=urls,
    )


def _comment(data: Any, ticket_id: int) -> Comment:
    if not isinstance(data, dict):
        raise Malformed(f"ticket {ticket_id}: a comment is not an object")
    cid = object_id(data, f"ticket {ticket_id}: comment")
    where = f"ticket {ticket_id}, comment {cid}"
    attachments = data.get("attachments") or []
    if not isinstance(attachments, list):
        raise Malformed(f"{where}: attachments is not a list")
    return Comment(
        id=cid,
        author_id=optional_id(data.get("author_id")),
        public=data.get("public") is not False,
        body_text=_text(data.get("plain_body")) or _text(data.get("body")),
        html_body=_text(data.get("html_body")),
        created_at=timestamp(data.get("created_at"), where),
        attachments=tuple(_attachment(a, where) for a in attachments),
    )


def ticket(data: dict[str, Any]) -> Ticket:
    tid = object_id(data, "ticket")
    zendesk_status = _text(data.get("status"))
    if zendesk_status not in STATUSES:
        raise Malformed(f"ticket {tid}: unknown status {data.get('status')!r}")
    requester = optional_id(data.get("requester_id"))
    if requester is None:
        raise Malformed(f"ticket {tid}: no requester_id")
    raw_comments = data.get("comments")
    if raw_comments is None:
        raw_comments = []
    if not isinstance(raw_comments, list):
        raise Malformed(f"ticket {tid}: comments is not a list")
    comments = tuple(
        sorted((_comment(c, tid) for c in raw_comments), key=lambda c: (c.created_at, c.id))
    )
    created = timestamp(data.get("created_at"), f"ticket {tid}")
    updated = timestamp(data.get("updated_at") or data.get("created_at"), f"ticket {tid}")
    custom = data.get("custom_fields") or []
    if not isinstance(custom, list):
        raise Malformed(f"ticket {tid}: custom_fields is not a list")
    via = data.get("via")
    via_channel = _text(via.get("channel")) if isinstance(via, dict) else ""
    return Ticket(
        id=tid,
        subject=(_text(data.get("subject")) or _text(data.get("raw_subject"))).strip()[:500],
        status=STATUSES[zendesk_status],
        priority=PRIORITIES.get(_text(data.get("priority")), "normal"),
        channel=CHANNELS.get(via_channel, "email"),
        requester_id=requester,
        assignee_id=optional_id(data.get("assignee_id")),
        organization_id=optional_id(data.get("organization_id")),
        tags=_tags(data.get("tags")),
        created_at=created,
        updated_at=max(updated, created, *(c.created_at for c in comments)),
        comments=comments,
        custom_fields=tuple(
            (f["id"], f.get("value"))
            for f in custom
            if isinstance(f, dict)
            and optional_id(f.get("id")) is not None
            and f.get("value") not in (None, "", [])
        ),
        copied_ids=tuple(
            sorted(
                {
                    uid
                    for key in ("collaborator_ids", "email_cc_ids")
                    if isinstance(data.get(key), list)
                    for value in data[key]
                    if (uid := optional_id(value)) is not None
                }
            )
        ),
        group_id=optional_id(data.get("group_id")),
        unmapped={
            key: value
            for key, value in data.items()
            if key not in TICKET_FIELDS_READ and value not in (None, "", [], {}, False)
        },
        zendesk_status=zendesk_status,
    )


def custom_value(kind: str, value: Any) -> tuple[Any, bool]:
    """A custom field's value as Klient keeps it, and whether its type was known. Known
    types keep their JSON type (number, boolean, list of options); any other type becomes
    text, which the report warns about."""
    if kind in KNOWN_FIELD_TYPES:
        if kind in ("integer", "decimal", "checkbox", "multiselect"):
            return value, True
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), True
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text, False


# -- inline images ---------------------------------------------------------------------------

_IMG_SRC = re.compile(r'(<img\b[^>]*?\ssrc\s*=\s*)(["\'])(.*?)\2', re.IGNORECASE | re.DOTALL)


def content_id(attachment_id: int) -> str:
    """The Content-ID an imported attachment is known by, as a mail's inline part is."""
    return f"zendesk-attachment-{attachment_id}@import.klient"


def inline_images(html: str, attachments: tuple[Attachment, ...]) -> tuple[str, set[int]]:
    """The comment's HTML with each <img> whose src is one of the comment's attachments
    pointing at it by `cid:` (how a mail's inline images are stored), and the ids of the
    attachments so shown. Other sources stay as they are (the sanitiser blocks remote ones)."""
    by_url = {url: a.id for a in attachments for url in a.urls}
    by_url.update({url.replace("&", "&amp;"): aid for url, aid in list(by_url.items())})
    shown: set[int] = set()

    def swap(match: re.Match[str]) -> str:
        aid = by_url.get(match.group(3).strip())
        if aid is None:
            return match.group(0)
        shown.add(aid)
        return f"{match.group(1)}{match.group(2)}cid:{content_id(aid)}{match.group(2)}"

    return _IMG_SRC.sub(swap, html), shown


def group(data: dict[str, Any]) -> tuple[int, str]:
    """(id, name) of a line of groups.json."""
    gid = object_id(data, "group")
    name = " ".join(_text(data.get("name")).split())
    if not name:
        raise Malformed(f"group {gid}: no name")
    return gid, name
