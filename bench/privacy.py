"""Privacy benchmark: a customer's export and erasure, and a day's retention sweep, in
embedded mode (SQLite, in-process; PostgreSQL with --database-url).

1. One customer with --conversations conversations of --messages messages each (every
   message stored through receive_message, with a 20 KB attachment on the first of each
   conversation), among --others other customers' conversations of 4 messages each.
   Timed: the preview, the export (zip), the erasure, and a second (idempotent) erasure.
2. A team's retention rule with --due solved conversations (2 messages each) due: the
   day's run, over as many sweep calls as it takes (each works 2 s at most).

    .venv/bin/python bench/privacy.py [--conversations 100] [--messages 5] [--others 1000]
        [--due 300] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def setup(database_url: str | None) -> None:
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-privacy-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def conversations_of(team, address, name, count, messages, *, attachment, at=None):
    from django.utils import timezone

    from klient.conversations.incoming import IncomingAttachment, IncomingMessage
    from klient.conversations.receive import receive_message
    from klient.core import blobs

    made = []
    for c in range(count):
        conversation = None
        for m in range(messages):
            files = ()
            if attachment and m == 0:
                data = f"{name} {uuid.uuid4()} ".encode() * 500
                files = (
                    IncomingAttachment(
                        filename=f"photo-{c}.jpg",
                        content_type="image/jpeg",
                        blob=blobs.store(data, durable=False),
                        size=len(data),
                    ),
                )
            message, _ = receive_message(
                IncomingMessage(
                    team_id=team.pk,
                    from_address=address,
                    from_name=name,
                    subject=f"Order {c} of {name}",
                    body_text=f"Message {m} about order {c}: the parcel has not arrived.",
                    new_text=f"Message {m} about order {c}: the parcel has not arrived.",
                    received_at=at or timezone.now(),
                    message_id=f"<{uuid.uuid4().hex}@bench.example>",
                    to=(team.inbound_address,),
                    attachments=files,
                ),
                conversation=conversation,
            )
            conversation = message.conversation
        made.append(conversation)
    return made


def timed(label: str, work, per: int | None = None, unit: str = ""):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    line = f"{label:<34} {wall * 1000:9.0f} ms wall {cpu * 1000:9.0f} ms CPU"
    if per:
        line += f"   {wall * 1000 / per:7.1f} ms per {unit}"
    print(line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--others", type=int, default=1000)
    parser.add_argument("--due", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    setup(args.database_url)

    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from klient.conversations.models import Conversation, Message
    from klient.core.transactions import entry_point
    from klient.people.actions import create_team
    from klient.people.models import Customer
    from klient.privacy import actions
    from klient.privacy.export import write_zip
    from klient.privacy.models import RetentionRun
    from klient.privacy.retention import sweep_retention

    team = create_team("Support", address="support@bench.example")
    for i in range(args.others):
        conversations_of(team, f"other{i}@bench.example", f"Other {i}", 1, 4, attachment=False)
    conversations_of(team, "olga@bench.example", "Olga Zielińska", args.conversations,
                     args.messages, attachment=True)  # fmt: skip
    olga = Customer.objects.get(identities__value="olga@bench.example")
    rows = args.conversations * args.messages
    print(
        f"{connection.vendor}: {Message.objects.count()} messages in "
        f"{Conversation.objects.count()} conversations; the customer's: {rows} messages "
        f"in {args.conversations} conversations, {args.conversations} attachments"
    )

    counts = timed("preview", lambda: actions.preview_customer_erasure(olga), rows, "message")
    out = io.BytesIO()
    timed("export (zip)", lambda: write_zip(olga, out), rows, "message")
    print(f"{'':<34} zip of {len(out.getvalue()) / 1024:.0f} KB")

    def erase():
        with entry_point():
            return actions.erase_customer(olga, actor=None)

    erased = timed("erase", erase, rows, "message")
    assert erased["messages"] == counts["messages"] == rows, (erased, counts)
    again = timed("erase again (idempotent)", erase)
    assert set(again.values()) == {0}, again

    old = timezone.now() - timedelta(days=400)
    due = []
    for i in range(args.due):
        due += conversations_of(team, f"old{i}@bench.example", f"Old {i}", 1, 2,
                                attachment=False, at=old)  # fmt: skip
    Conversation.objects.filter(pk__in=[c.pk for c in due]).update(status="solved", updated_at=old)
    with entry_point():
        actions.set_retention(team, months=12, actor=None)

    def sweep_until_done() -> int:
        # One call works for BUDGET_SECONDS, then the next continues: as the worker's loop.
        total = 0
        while not RetentionRun.objects.filter(finished_at__isnull=False).exists():
            total += sweep_retention()
        return total

    erased_count = timed("retention sweep (all calls)", sweep_until_done, args.due, "conversation")
    assert erased_count == args.due, erased_count
    timed("retention sweep again (same day)", sweep_retention)


if __name__ == "__main__":
    main()
