"""Voice of the customer (issue 17 item 4): how well recurring topics are recovered from
the hand-labelled messages of tests/voice/topics/, per language, and how long recomputing
the topics of 10,000 messages takes.

    .venv/bin/python bench/voice.py                 # held-out part (the figures reported)
    .venv/bin/python bench/voice.py --part dev      # the part stopwords were chosen on
    .venv/bin/python bench/voice.py --messages 10000 --repeat 3
    .venv/bin/python bench/voice.py --messages 0 --database 10000   # the whole recomputation

Quality: purity (of the messages put in a topic, the share in its commonest true topic,
noise counting as one) and pairwise precision / recall / F1 (pairs put together that
belong together; noise pairs never belong together), and how many topics were found for
the six there are. Speed: the pure grouping (klient.voice.topics.group) of N messages
drawn from both parts of all five languages, spread over 26 weeks, with a word or a
number changed in each so that no two are the same text. With --database N: the whole
recomputation of one team (klient.voice.refresh.recompute: reading N stored messages,
grouping, matching stored topics, writing topics, weeks and links, in one transaction), in
a fresh database of its own (SQLite in a temporary directory; DATABASE_URL for another),
first when no topic exists yet, then again when every topic is matched to a stored one."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from klient.voice import topics, words  # noqa: E402

DATA = ROOT / "tests" / "voice" / "topics"
LANGUAGES = ("en", "fr", "pl", "de", "uk")
FIRST_WEEK = date(2026, 6, 1)


def load(language: str, part: str) -> list[tuple[str, str]]:
    """The (true topic, text) lines of one part of one language."""
    lines = (DATA / f"{language}.{part}.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip()]  # type: ignore[misc]


def documents(language: str, rows: list[tuple[str, str]]) -> list[topics.Document]:
    # Spread over eight weeks, each topic recurring in several: as a desk would see them.
    return [
        topics.Document(i, language, FIRST_WEEK + timedelta(weeks=i % 8), text)
        for i, (_, text) in enumerate(rows)
    ]


def quality(part: str) -> None:
    print(f"Topic recovery on the {part} part (lemmatiser: {words.lemmatiser()})")
    print(f"{'lang':<5}{'msgs':>5}{'topics':>8}{'purity':>8}{'pair P':>8}{'pair R':>8}{'F1':>7}")
    for language in LANGUAGES:
        rows = load(language, part)
        truth = {i: ("" if label == "-" else label) for i, (label, _) in enumerate(rows)}
        found = [t.members for t in topics.group(documents(language, rows))]
        pairs = topics.pairwise(found, truth)
        print(
            f"{language:<5}{len(rows):>5}{len(found):>5}/{len(set(truth.values()) - {''})}"
            f"{topics.purity(found, truth):>8.2f}{pairs['precision']:>8.2f}"
            f"{pairs['recall']:>8.2f}{pairs['f1']:>7.2f}"
        )


def synthetic(n: int) -> list[topics.Document]:
    pool = [
        (language, text)
        for language in LANGUAGES
        for part in ("dev", "heldout")
        for _, text in load(language, part)
    ]
    rng = random.Random(17)
    out = []
    for i in range(n):
        language, text = rng.choice(pool)
        week = FIRST_WEEK + timedelta(weeks=rng.randrange(26))
        out.append(topics.Document(i, language, week, f"{text} {rng.randrange(10_000)}"))
    return out


def speed(n: int, repeat: int) -> None:
    docs = synthetic(n)
    times = []
    for _ in range(repeat):
        words.term.cache_clear()
        started = time.perf_counter()
        found = topics.group(docs)
        times.append(time.perf_counter() - started)
    print(
        f"Grouping {n} messages (5 languages, 26 weeks): {len(found)} topics, "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {repeat} runs"
    )


def database(n: int) -> None:
    import os
    import tempfile

    data = tempfile.mkdtemp(prefix="klient-bench-voice-")
    os.environ["KLIENT_DATA_DIR"] = data
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "klient.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from klient.conversations.models import Conversation, Message
    from klient.people.actions import create_team
    from klient.people.models import Customer
    from klient.voice import refresh

    call_command("migrate", verbosity=0)
    team = create_team("Bank", address="bank@bench.example")
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Customer {i}") for i in range(n // 5 + 1)]
    )
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(team=team, customer=c, subject="Bank", created_at=now, updated_at=now)
            for c in customers
        ]
    )
    rows = []
    for document in synthetic(n):
        monday = timezone.localtime(now).date() - timedelta(weeks=document.key % 26)
        at = now - (timezone.localtime(now).date() - monday)
        rows.append(
            Message(
                conversation=conversations[document.key % len(conversations)],
                kind="inbound",
                sender="customer",
                new_text=document.text,
                body_text=document.text,
                language=document.language,
                created_at=at - timedelta(minutes=document.key % 600),
            )
        )
    Message.objects.bulk_create(rows, batch_size=2000)
    for label in ("first run (no stored topic)", "again (every topic matched)"):
        words.term.cache_clear()
        started = time.perf_counter()
        figures = refresh.recompute(team.pk, now=now)
        took = time.perf_counter() - started
        print(
            f"Recomputing one team's topics from {figures['messages']} stored messages, {label}: "
            f"{took:.2f} s ({figures['topics']} topics, {figures['new']} new)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "heldout"), default="heldout")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", type=int, default=0, metavar="N")
    args = parser.parse_args()
    quality(args.part)
    if args.messages:
        speed(args.messages, args.repeat)
    if args.database:
        database(args.database)


if __name__ == "__main__":
    main()
