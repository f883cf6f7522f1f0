"""Takeover benchmark: seconds from the SIGKILL of a `klient worker` holding a batch of
inbound mail to the moment a second `klient worker` has stored all of it, and how many
messages were stored twice (must be 0).

The first worker is held mid-batch by a named pipe in place of one mail's raw bytes
(reading it blocks after the batch is claimed); it is killed there, the bytes are put
back, and the second worker starts at once. Runs with the default KLIENT_LEASE_SECONDS
unless it is set.

    python bench/takeover.py --db sqlite|postgres|both [--count 140] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

KLIENT = str(Path(sys.executable).with_name("klient"))
BATCH = 100  # mail.actions.process_received's batch
PG_URL = "postgres://postgres@127.0.0.1:5432/klient_bench_takeover"


def email_bytes(n: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"customer{n}@example.com"
    mail["To"] = "support@shop.example"
    mail["Subject"] = f"Parcel {n} is missing"
    mail["Message-ID"] = f"<bench-takeover-{n}@example.com>"
    mail.set_content(f"Where is parcel {n}?\n")
    return mail.as_bytes(policy=SMTP)


def wait_until(condition, what: str, timeout: float = 300.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.02)


def run(db: str, count: int) -> dict[str, object]:
    data_dir = tempfile.mkdtemp(prefix=f"klient-bench-takeover-{db}-")
    os.environ["KLIENT_DATA_DIR"] = data_dir
    if db == "postgres":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "klient_bench_takeover"],
            check=True,
        )
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "klient_bench_takeover"], check=True
        )
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("KLIENT_LOG_LEVEL", "WARNING")
    subprocess.run([KLIENT, "migrate"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [KLIENT, "team", "add", "Support", "--address", "support@shop.example"],
        check=True,
        stdout=subprocess.DEVNULL,
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    from klient.conversations.models import Message
    from klient.core import blobs
    from klient.mail import actions, tasks
    from klient.mail.models import InboundMail
    from klient.people.models import Team

    team = Team.objects.get()
    raws = [email_bytes(n) for n in range(count)]
    accepted = [actions.accept_raw(raw, source="smtp", team_id=team.pk)[0] for raw in raws]
    stuck = BATCH + (count - BATCH) // 2
    blob = blobs.path_for(accepted[stuck].raw_blob)
    blob.unlink()
    os.mkfifo(blob)

    first = subprocess.Popen([KLIENT, "worker"], stdout=subprocess.DEVNULL)
    tasks.process_inbound.enqueue(accepted[0].pk)
    wait_until(
        lambda: InboundMail.objects.filter(state="processing").count() == count - BATCH,
        "the first worker to hold the second batch",
    )
    held = count - BATCH
    killed_at = time.monotonic()
    first.send_signal(signal.SIGKILL)
    first.wait()
    blob.unlink()
    blobs.store(raws[stuck], durable=True)
    second = subprocess.Popen([KLIENT, "worker"], stdout=subprocess.DEVNULL)
    wait_until(
        lambda: InboundMail.objects.filter(state="done").count() == count,
        "the second worker to store everything",
    )
    seconds = time.monotonic() - killed_at
    second.send_signal(signal.SIGTERM)
    second.wait()
    stored = Message.objects.count()
    distinct = Message.objects.values("message_id").distinct().count()
    result = {
        "db": db,
        "messages": count,
        "held_by_killed_worker": held,
        "lease_seconds": settings.KLIENT_LEASE_SECONDS,
        "takeover_seconds": round(seconds, 2),
        "stored": stored,
        "duplicates": stored - distinct,
        "ok": stored == count and distinct == count,
    }
    connections.close_all()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--count", type=int, default=BATCH + 74)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    if args.count <= BATCH + 1:
        parser.error(f"--count must be more than {BATCH + 1} (the killed worker's batch)")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for db in dbs:
        # A fresh process per database: settings are read once, at django.setup().
        if len(dbs) > 1:
            subprocess.run(
                [sys.executable, __file__, "--db", db, "--count", str(args.count)]
                + (["--json"] if args.json else []),
                check=True,
            )
            continue
        result = run(db, args.count)
        print(json.dumps(result) if args.json else result, flush=True)


if __name__ == "__main__":
    main()
