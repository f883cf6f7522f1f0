"""Write a Zendesk full JSON export as Zendesk's documentation describes it: NDJSON files
(`tickets.json` with comments inlined, `users.json`, `organizations.json`,
`ticket_fields.json`) and the attachment files under `attachments/<id>/<file name>`.

Deterministic (a seeded generator): the same arguments write the same bytes, and
`write_export` returns what an import of it must produce, so tests can compare counts.
It holds users and organisations, agents Klient knows and one it does not, public and
private comments, attachments (some only reachable by a file:// content_url, one missing),
inline images, custom fields of known and unknown types, fields Klient has no place for,
and a few malformed lines and tickets.

    python tests/importers/make_zendesk_export.py FOLDER [TICKETS]
"""

from __future__ import annotations

import json
import random
import sys
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SUBDOMAIN = "https://acme.zendesk.com"
KNOWN_AGENT = "anna@shop.example"  # tests create Anna; the others Klient does not have
AGENTS = [
    (9001, "Anna Nowak", KNOWN_AGENT, "agent"),
    (9002, "Ghost Agent", "ghost@old-desk.example", "agent"),
    (9003, "Old Admin", "admin@old-desk.example", "admin"),
]
STATUSES = ["new", "open", "pending", "hold", "solved", "closed"]
PRIORITIES = ["low", "normal", "high", "urgent", None]
FIELDS = [
    {"id": 501, "type": "text", "title": "Order number"},
    {"id": 502, "type": "checkbox", "title": "Refund requested"},
    {"id": 503, "type": "lookup", "title": "Linked account"},  # a type Klient does not know
    {"id": 504, "type": "multiselect", "title": "Products"},
]
UNDECLARED_FIELD = 505  # in tickets, not in ticket_fields.json: type unknown
START = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)


@dataclass
class Expected:
    """What importing the export must give."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, str] = field(default_factory=dict)  # ticket id -> Zendesk status
    attachments: dict[int, bytes] = field(default_factory=dict)  # attachment id -> bytes
    inline: dict[int, int] = field(default_factory=dict)  # ticket id -> inline attachment id
    private_comments: int = 0
    missing_attachment: int = 0
    tickets: int = 0


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _png(seed: int) -> bytes:
    """A real, tiny PNG (one pixel, colour from the seed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    pixel = bytes([0, seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
        + chunk(b"IDAT", zlib.compress(pixel))
        + chunk(b"IEND", b"")
    )


def write_export(folder: Path, tickets: int = 500, *, seed: int = 18) -> Expected:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    expected = Expected()
    counts = expected.counts

    # -- organisations: 20, and a line Zendesk never wrote (a truncated one) -------------------
    orgs = [
        {
            "id": 100 + n,
            "name": f"Acme Customer {n:02d} Ltd",
            "domain_names": [f"customer{n:02d}.example"],
            "tags": ["vip"] if n % 5 == 0 else [],
            "details": f"Account {n}",
            "notes": "",
            "organization_fields": {"tier": "gold" if n % 4 == 0 else "silver"},
            "created_at": _iso(START - timedelta(days=400 - n)),
        }
        for n in range(20)
    ]
    org_lines = [json.dumps(o) for o in orgs]
    org_lines.insert(7, '{"id": 999, "name": "Trunc')
    (folder / "organizations.json").write_text("\n".join(org_lines) + "\n")
    counts["organization"] = len(orgs)

    # -- users: end users (email, or a phone only, or both) and three agents -------------------
    n_users = max(10, tickets // 2)
    users: list[dict[str, Any]] = []
    for n in range(n_users):
        phone_only = n % 25 == 3
        users.append(
            {
                "id": 1000 + n,
                "name": f"Customer {n} Ąę",
                "email": None if phone_only else f"customer{n}@customer{n % 20:02d}.example",
                "phone": f"+4822{n:07d}" if phone_only or n % 10 == 1 else None,
                "role": "end-user",
                "organization_id": 100 + n % 20 if n % 3 else None,
                "locale": ["en-US", "pl", "de", "fr", "uk"][n % 5],
                "time_zone": "Europe/Warsaw" if n % 2 else "Eastern Time (US & Canada)",
                "created_at": _iso(START - timedelta(days=300 - n % 300)),
                "user_fields": {"loyalty": n % 3},
            }
        )
    for uid, name, email, role in AGENTS:
        users.append({"id": uid, "name": name, "email": email, "role": role, "phone": None})
    user_lines = [json.dumps(u, ensure_ascii=False) for u in users]
    user_lines.insert(11, "this is not json at all")
    (folder / "users.json").write_text("\n".join(user_lines) + "\n", encoding="utf-8")
    counts["user"] = n_users
    counts["agent"] = len(AGENTS)
    (folder / "ticket_fields.json").write_text("\n".join(json.dumps(f) for f in FIELDS) + "\n")

    # -- tickets -------------------------------------------------------------------------------
    attachment_id = 70000
    comment_id = 500000
    ticket_lines: list[str] = []
    counts["ticket"] = counts["comment"] = counts["attachment"] = 0
    skipped_tickets = 0
    for t in range(1, tickets + 1):
        requester = 1000 + (t * 7) % n_users
        status = STATUSES[t % len(STATUSES)]
        created = START + timedelta(hours=5 * t, minutes=rng.randrange(60))
        moment = created
        comments = []
        n_comments = 1 + rng.randrange(5)
        for c in range(n_comments):
            comment_id += 1
            by_customer = c % 2 == 0
            private = not by_customer and (t + c) % 3 == 0
            author = requester if by_customer else AGENTS[(t + c) % len(AGENTS)][0]
            attachments = []
            html = f"<p>{'Question' if by_customer else 'Answer'} {c} on ticket {t}</p>"
            body = f"{'Question' if by_customer else 'Answer'} {c} on ticket {t}"
            if c == 0 and t % 7 == 0:  # an inline image, pasted into the first message
                attachment_id += 1
                data = _png(t)
                name = f"screenshot-{t}.png"
                url = f"{SUBDOMAIN}/attachments/token/tok{attachment_id}/?name={name}"
                attachments.append(_attachment(attachment_id, name, url, "image/png", data, True))
                html += f'<p><img src="{url}" alt="{name}" width="1" height="1"></p>'
                _write_file(folder, attachment_id, name, data)
                expected.attachments[attachment_id] = data
                expected.inline[t] = attachment_id
            if t % 5 == 0 and c == n_comments - 1:  # a file attached to the last message
                attachment_id += 1
                data = rng.randbytes(200 + rng.randrange(5000))
                name = f"invoice {t} – März.pdf"
                if t % 50 == 0:  # not in the export, and its content_url names nothing
                    url = (folder / "gone" / f"{attachment_id}.pdf").as_uri()
                    expected.missing_attachment += 1
                elif t % 15 == 0:  # reachable only through its content_url, a local file
                    path = folder / "elsewhere" / f"{attachment_id}.bin"
                    path.parent.mkdir(exist_ok=True)
                    path.write_bytes(data)
                    url = path.as_uri()
                    expected.attachments[attachment_id] = data
                else:
                    url = f"{SUBDOMAIN}/attachments/token/tok{attachment_id}/?name=invoice.pdf"
                    _write_file(folder, attachment_id, name, data)
                    expected.attachments[attachment_id] = data
                attachments.append(
                    _attachment(attachment_id, name, url, "application/pdf", data, False)
                )
            comments.append(
                {
                    "id": comment_id,
                    "type": "Comment",
                    "author_id": author,
                    "body": body,
                    "html_body": f'<div class="zd-comment" dir="auto">{html}</div>',
                    "plain_body": body,
                    "public": not private,
                    "attachments": attachments,
                    "audit_id": comment_id * 10,
                    "via": {"channel": "email" if by_customer else "web"},
                    "created_at": _iso(moment),
                    "metadata": {"system": {"client": "Mozilla/5.0"}},
                }
            )
            moment += timedelta(minutes=20 + rng.randrange(600))
        ticket: dict[str, Any] = {
            "url": f"{SUBDOMAIN}/api/v2/tickets/{t}.json",
            "id": t,
            "external_id": None,
            "via": {"channel": ["email", "web", "api", "voice"][t % 4]},
            "created_at": _iso(created),
            "updated_at": _iso(moment),
            "type": ["question", "incident", "problem", "task"][t % 4],
            "subject": f"Order {t} – where is it?",
            "raw_subject": f"Order {t} – where is it?",
            "description": comments[0]["body"],
            "priority": PRIORITIES[t % len(PRIORITIES)],
            "status": status,
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": AGENTS[t % 2][0] if status != "new" else None,
            "organization_id": users[requester - 1000]["organization_id"],
            "group_id": 360000 + t % 3,
            "collaborator_ids": [1000 + (t * 7 + 1) % n_users] if t % 11 == 0 else [],
            "tags": ["order", f"batch{t % 4}"] + (["vip"] if t % 9 == 0 else []),
            "custom_fields": [
                {"id": 501, "value": f"ORD-{t:05d}"},
                {"id": 502, "value": t % 2 == 0},
                {"id": 503, "value": {"account": t, "region": "eu"}},
                {"id": 504, "value": ["shoes", "socks"] if t % 3 == 0 else None},
                {"id": UNDECLARED_FIELD, "value": t * 1.5},
            ],
            "satisfaction_rating": {"score": "good"} if status == "solved" else None,
            "due_at": _iso(created + timedelta(days=3)) if t % 4 == 2 else None,
            "comments": comments,
        }
        if t in (13, 21):
            if t == 13:  # Zendesk has no such status: the ticket is skipped with the reason
                ticket["status"] = "deleted"
            else:  # a requester the export does not hold
                ticket["requester_id"] = 424242
            skipped_tickets += 1
            for c in comments:  # a skipped ticket's files are not imported either
                for a in c["attachments"]:
                    expected.attachments.pop(a["id"], None)
            expected.inline.pop(t, None)
        else:
            expected.statuses[t] = status
            counts["ticket"] += 1
            counts["comment"] += len(comments)
            expected.private_comments += sum(1 for c in comments if not c["public"])
            counts["attachment"] += sum(
                1 for c in comments for a in c["attachments"] if a["id"] in expected.attachments
            )
        ticket_lines.append(json.dumps(ticket, ensure_ascii=False))
    for at, bad in (
        (3, '{"id": 100001, "subject": "cut off in the mid'),
        (120, "[1, 2, 3]"),
        (250, "\x00\x01 garbage"),
    ):
        ticket_lines.insert(min(at, len(ticket_lines)), bad)
    (folder / "tickets.json").write_text("\n".join(ticket_lines) + "\n", encoding="utf-8")
    expected.tickets = tickets
    expected.skipped = {"ticket": skipped_tickets, "line": 5}
    return expected


def _attachment(
    aid: int, name: str, url: str, content_type: str, data: bytes, inline: bool
) -> dict[str, Any]:
    return {
        "url": f"{SUBDOMAIN}/api/v2/attachments/{aid}.json",
        "id": aid,
        "file_name": name,
        "content_url": url,
        "mapped_content_url": url,
        "content_type": content_type,
        "size": len(data),
        "width": 1 if inline else None,
        "height": 1 if inline else None,
        "inline": inline,
        "deleted": False,
        "thumbnails": [],
    }


def _write_file(folder: Path, aid: int, name: str, data: bytes) -> None:
    target = folder / "attachments" / str(aid)
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    result = write_export(out, int(sys.argv[2]) if len(sys.argv) > 2 else 500)
    print(f"wrote {result.tickets} tickets to {out}: {result.counts}")
