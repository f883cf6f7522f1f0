"""Satisfaction surveys: how fast the sweep sends due surveys to an SMTP relay on
loopback (surveys per second, one worker), and how long the CSAT report takes per team,
agent and week over many answers (the median of 5 runs each).

It makes its own database in a temporary directory (SQLite; DATABASE_URL for another),
migrates it, writes the conversations, customers and survey rows in bulk (the setup is
not measured), starts an aiosmtpd sink on a free port, then measures:

- send: `surveys.sending.send_due_surveys` over --send due surveys (each: the checks
  again, the email in the customer's language, SMTP to the sink, the row and its event);
- report: `surveys.queries.csat_report` for an administrator over --answers answers.

    .venv/bin/python bench/csat.py --send 500 --answers 100000"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

LANGUAGES = ("en", "fr", "pl", "de", "uk")


def setup_django() -> None:
    data = tempfile.mkdtemp(prefix="klient-bench-csat-")
    os.environ["KLIENT_DATA_DIR"] = data
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "klient.settings"
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def conversations(count: int, team, agents, *, start: int, status: str) -> list[int]:
    """`count` conversations of new customers with a verified address, in bulk."""
    from klient.conversations.models import Conversation
    from klient.people.models import Customer, Identity

    now = datetime.now(UTC)
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Customer {start + i}", language=LANGUAGES[i % 5]) for i in range(count)]
    )
    Identity.objects.bulk_create(
        [
            Identity(customer=c, kind="email", value=f"c{start + i}@bench.example", verified_at=now)
            for i, c in enumerate(customers)
        ]
    )
    rows = Conversation.objects.bulk_create(
        [
            Conversation(
                subject=f"Question {start + i}",
                status=status,
                team=team,
                customer=c,
                assignee=agents[i % len(agents)],
                created_at=now,
                updated_at=now,
            )
            for i, c in enumerate(customers)
        ]
    )
    return [c.pk for c in rows]


def surveys(ids: list[int], team, *, answered: bool) -> None:
    import secrets

    from klient.conversations.models import Conversation
    from klient.surveys.actions import token_for, token_hash
    from klient.surveys.models import Survey

    now = datetime.now(UTC)
    agents = dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "assignee_id"))
    rows = []
    for i, pk in enumerate(ids):
        survey = Survey(
            conversation_id=pk,
            team=team,
            agent_id=agents[pk],
            scale="five" if i % 2 else "good_bad",
            nonce=secrets.token_hex(16),
            solved_at=now,
            created_at=now,
            next_attempt_at=now,
        )
        survey.token_hash = token_hash(token_for(survey))
        if answered:
            survey.state, survey.sent_at = Survey.State.SENT, now - timedelta(days=1)
            survey.rating = ("good", "bad")[i % 2] if i % 2 == 0 else str(1 + i % 5)
            survey.answered_at = now - timedelta(days=i % 80)
        rows.append(survey)
    Survey.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--send", type=int, default=500)
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from klient.people.actions import create_agent, create_team
    from klient.surveys.actions import update_settings
    from klient.surveys.queries import csat_report
    from klient.surveys.sending import send_due_surveys

    team = create_team("Support", address="support@shop.example")
    agents = [
        create_agent(f"agent{i}@shop.example", name=f"Agent {i}", teams=[team])[0]
        for i in range(20)
    ]
    admin = create_agent("admin@shop.example", name="Admin", admin=True)[0]
    update_settings(team, actor=admin, enabled=True, delay_minutes=0, scale="five")

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.KLIENT_SMTP_RELAY = f"127.0.0.1:{port}"
    try:
        surveys(
            conversations(args.send, team, agents, start=0, status="solved"), team, answered=False
        )
        started = time.perf_counter()
        handled = send_due_surveys()
        elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    assert handled == args.send and Sink.received == args.send, (handled, Sink.received)
    print(f"send: {args.send} surveys in {elapsed:.2f} s = {args.send / elapsed:.0f} surveys/s")

    ids = conversations(args.answers, team, agents, start=args.send, status="closed")
    surveys(ids, team, answered=True)
    now = datetime.now(UTC)
    start, end = now - timedelta(days=90), now + timedelta(days=1)
    admin = get_user_model().objects.get(pk=admin.pk)
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    for group in ("team", "agent", "week"):
        times = []
        for _ in range(5):
            began = time.perf_counter()
            total, rows = csat_report(admin, group=group, start=start, end=end)
            times.append(time.perf_counter() - began)
        assert total.responses == args.answers
        print(
            f"report ({vendor}) group={group}: {args.answers} answers, {len(rows)} rows, "
            f"median {statistics.median(times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
