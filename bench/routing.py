"""Routing benchmark: decisions per second, and time from a message stored to its agent
notified.

1. decide() alone on one core: 500 agents in 20 teams (random status, connection, hours,
   absences with substitutes, skills, languages, loads and capacities) and 200 rules of
   which most match rarely (tags, organisations, tiers, languages) and the last few are
   catch-alls; 20,000 random pieces of work (a fifth from customers with an owner). The
   snapshot is taken once, as routing does per decision batch. Per wall and CPU second.
2. Embedded mode (SQLite, in-process): a customer with an owner (half of them away, with a
   substitute) writes; from receive_message() returning to the routing notification of
   the chosen agent being committed, the outbox drained as the embedded worker does
   (core.wiring.dispatch_pending). Median and p95 over --messages messages.

    .venv/bin/python bench/routing.py [--decisions 20000] [--messages 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from klient.routing.decide import (
    LEAST_LOAD,
    OWNER_FIRST,
    ROUND_ROBIN,
    AgentState,
    Rule,
    Snapshot,
    Work,
    decide,
)

AGENTS, TEAMS, RULES = 500, 20, 200
CHANNELS = ("email", "email", "email", "web", "chat", "chat", "phone", "callback")


def desk(rng: random.Random) -> Snapshot:
    agents = {}
    for aid in range(1, AGENTS + 1):
        absent = rng.random() < 0.08
        agents[aid] = AgentState(
            id=aid,
            teams=frozenset(
                {aid % TEAMS + 1} | ({rng.randrange(1, TEAMS + 1)} if rng.random() < 0.2 else set())
            ),
            status=rng.choice(["online"] * 6 + ["away", "offline"]),
            connected=rng.random() < 0.8,
            in_hours=rng.random() < 0.85,
            absent=absent,
            substitute_agent=rng.randrange(1, AGENTS + 1)
            if absent and rng.random() < 0.8
            else None,
            skills=frozenset(rng.sample(["loans", "cards", "mortgage", "fraud", "business"], 2)),
            languages=frozenset(rng.sample(["pl", "en", "de", "fr", "uk"], 2)),
            load=round(rng.uniform(0, 3), 2),
            capacity=3.0,
        )
    return Snapshot(agents, cursors={f"rule:{i}": rng.randrange(1, AGENTS) for i in range(RULES)})


def rules(rng: random.Random) -> list[Rule]:
    out = []
    for i in range(RULES - 5):
        kind = i % 4
        out.append(
            Rule(
                id=i,
                teams=frozenset({rng.randrange(1, TEAMS + 1)}),
                tags=frozenset({f"campaign-{i}"}) if kind == 0 else frozenset(),
                organisations=frozenset({10_000 + i}) if kind == 1 else frozenset(),
                tiers=frozenset({"platinum"}) if kind == 2 else frozenset(),
                languages=frozenset({rng.choice(["de", "fr"])}) if kind == 3 else frozenset(),
                channels=frozenset({rng.choice(CHANNELS)}),
                pick_skill=rng.choice(["", "loans", "fraud"]),
                strategy=rng.choice([OWNER_FIRST, ROUND_ROBIN, LEAST_LOAD]),
            )
        )
    for i in range(RULES - 5, RULES):  # catch-alls: the chat and phone pools, then the rest
        out.append(
            Rule(id=i, channels=frozenset({CHANNELS[i % len(CHANNELS)]}), strategy=ROUND_ROBIN)
        )
    return out


def works(rng: random.Random, count: int) -> list[Work]:
    return [
        Work(
            team=rng.randrange(1, TEAMS + 1),
            channel=rng.choice(CHANNELS),
            language=rng.choice(["pl", "pl", "en", "de", "fr", "uk"]),
            owner=rng.randrange(1, AGENTS + 1) if rng.random() < 0.2 else None,
            organisation=rng.choice([None, None, 10_001, 10_050]),
            tier=rng.choice(["", "", "platinum"]),
            tags=frozenset({f"campaign-{rng.randrange(RULES)}"})
            if rng.random() < 0.3
            else frozenset(),
        )
        for _ in range(count)
    ]


def bench_decisions(count: int, seed: int) -> None:
    rng = random.Random(seed)
    snapshot, rule_list, items = desk(rng), rules(rng), works(rng, count)
    decide(items[0], snapshot, rule_list)  # the team index is built once per snapshot
    wall, cpu = time.perf_counter(), time.process_time()
    assigned = sum(decide(work, snapshot, rule_list).agent is not None for work in items)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"decide(): {AGENTS} agents, {RULES} rules, {count} decisions ({assigned} assigned)")
    print(f"  {count / wall:,.0f} decisions/s wall, {count / cpu:,.0f} per CPU second")
    per = []
    for work in items[:2000]:
        start = time.perf_counter()
        decide(work, snapshot, rule_list)
        per.append((time.perf_counter() - start) * 1e6)
    per.sort()
    print(
        f"  per decision: median {statistics.median(per):.1f} µs,"
        f" p99 {per[int(len(per) * 0.99)]:.1f} µs"
    )


def bench_embedded(messages: int, seed: int) -> None:
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-routing-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from klient.conversations.incoming import IncomingMessage
    from klient.conversations.receive import receive_message
    from klient.core.wiring import dispatch_pending
    from klient.notifications.models import Notification
    from klient.people.actions import (
        add_agent,
        create_absence,
        create_team,
        find_or_create_customer_by_email,
    )
    from klient.people.ownership import set_customer_owner

    rng = random.Random(seed)
    team = create_team("Private banking", address="advisors@bench.example")
    agents = [
        add_agent(f"advisor{i}@bench.example", name=f"Advisor {i}", teams=[team]) for i in range(20)
    ]
    now = timezone.now()
    for i, agent in enumerate(agents[:10]):  # half the advisors away, each covered by another
        create_absence(
            agent,
            actor=None,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=5),
            substitute_agent=agents[10 + i],
        )
    customers = []
    for i in range(messages):
        customer = find_or_create_customer_by_email(f"client{i}@bench.example", f"Client {i}")
        customers.append(set_customer_owner(customer, rng.choice(agents), actor=None))
    dispatch_pending()
    timings = []
    for i, customer in enumerate(customers):
        incoming = IncomingMessage(
            team_id=team.pk,
            from_address=customer.primary_email(),
            from_name=customer.name,
            subject=f"Question {i}",
            body_text="Dzień dobry, mam pytanie o kredyt.",
            new_text="Dzień dobry, mam pytanie o kredyt.",
            received_at=timezone.now(),
            message_id=f"<bench-{i}@client.example>",
            to=(team.inbound_address,),
            language="pl",
        )
        before = Notification.objects.count()
        start = time.perf_counter()
        receive_message(incoming)
        while dispatch_pending():  # the routing handler, then the notification's own
            pass
        timings.append(time.perf_counter() - start)
        assert Notification.objects.count() > before, "no agent was notified"
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"embedded (SQLite): {messages} messages from owned customers, half the owners away")
    print(
        f"  stored -> agent notified: median {statistics.median(timings) * 1000:.1f} ms,"
        f" p95 {p95 * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bench_decisions(args.decisions, args.seed)
    if args.messages:
        bench_embedded(args.messages, args.seed)


if __name__ == "__main__":
    main()
