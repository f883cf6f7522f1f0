"""Threading accuracy by link type on the hand-written cases in tests/mail/labelled/threading/.

Run through bench/mail_accuracy.py (section `threading`), or alone:

    .venv/bin/python bench/mail_accuracy_threading.py [--part all|held-out|rules]

Each case file is a story in mail: the messages already received (`--- given NAME`, in
order), then the one being threaded (`--- when`), and a header block on top:

    Link: in-reply-to | references | token | subject | auto-reply | bounce | near-miss
    Expect: NAME (the given whose conversation it must join) | new | automatic
    Part: rules | held-out

A given may carry `X-Case-Age-Days: N` (its conversation last active N days ago) and
`X-Case-Agent-Reply: yes` (an agent answered it; `<reply-of:NAME>` in a later message
stands for that answer's Message-ID, `[ref:NAME]` for the conversation's reference). Every
case runs in a fresh SQLite database state (rolled back after), through the same path as
mail from the SMTP listener (accept_raw, then the worker's process_inbound)."""

# No `from __future__ import annotations`: bench/mail_accuracy.py loads this module without
# registering it in sys.modules, where dataclasses would look string annotations up.
import argparse
import os
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "tests" / "mail" / "labelled" / "threading"
TEAM = "support@shop.example"


@dataclass
class Case:
    name: str
    link: str
    expect: str
    part: str
    given: list[tuple[str, str]] = field(default_factory=list)  # (name, raw text)
    when: str = ""


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    head, *blocks = re.split(r"^--- ", text, flags=re.M)
    fields = {
        k.strip().lower(): v.strip()
        for line in head.splitlines()
        if ":" in line and not line.startswith("#")
        for k, _, v in [line.partition(":")]
    }
    case = Case(path.stem, fields["link"], fields["expect"], fields.get("part", "rules"))
    for block in blocks:
        title, _, raw = block.partition("\n")
        words = title.split()
        if words[0] == "given":
            case.given.append((words[1], raw))
        else:
            case.when = raw
    return case


def cases(part: str) -> list[Case]:
    found = [read_case(p) for p in sorted(CASES.glob("*.txt"))]
    return [c for c in found if part == "all" or c.part == part]


def setup_django() -> None:
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-threading-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def to_bytes(raw: str) -> bytes:
    lines = raw.strip("\n").split("\n")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def outcome(case: Case, agent) -> str:
    """What the system did with the `when` mail: a given's name, "new" or "automatic"."""
    from django.db import transaction
    from django.utils import timezone

    from klient.conversations.actions import reply
    from klient.conversations.merge import survivor_of
    from klient.conversations.models import Conversation, Message
    from klient.mail import actions

    def deliver(raw: str, names: dict[str, Conversation], replies: dict[str, str]) -> Message:
        for name, message_id in replies.items():
            raw = raw.replace(f"<reply-of:{name}>", message_id)
        for name, conversation in names.items():
            raw = raw.replace(f"[ref:{name}]", f"[{conversation.reference}]")
        # A pseudo header is the case's, not the mail's.
        raw = "\n".join(line for line in raw.split("\n") if not line.startswith("X-Case-"))
        inbound, _ = actions.accept_raw(to_bytes(raw), source="smtp", envelope_to=[TEAM])
        actions.process_inbound(inbound.pk)
        inbound.refresh_from_db()
        if inbound.message_id is None:
            raise RuntimeError(f"{case.name}: quarantined: {inbound.reason}")
        return Message.objects.get(pk=inbound.message_id)

    with transaction.atomic():
        names: dict[str, Conversation] = {}
        replies: dict[str, str] = {}
        for name, raw in case.given:
            message = deliver(raw, names, replies)
            conversation = message.conversation
            names[name] = conversation
            if "X-Case-Agent-Reply: yes" in raw:
                answer = reply(conversation, actor=agent, body="Thank you.", status="pending")
                replies[name] = answer.message_id
            age = re.search(r"^X-Case-Age-Days: (\d+)", raw, re.M)
            if age:
                Conversation.objects.filter(pk=conversation.pk).update(
                    updated_at=timezone.now() - timedelta(days=int(age.group(1)))
                )
        message = deliver(case.when, names, replies)
        landed = survivor_of(message.conversation)
        result = next((n for n, c in names.items() if survivor_of(c).pk == landed.pk), None)
        if result is None:
            result = "automatic" if landed.automatic else "new"
        transaction.set_rollback(True)
    return result


def run(part: str) -> None:
    from django.apps import apps

    if not apps.ready:
        setup_django()
    from django.contrib.auth import get_user_model

    from klient.people.actions import create_agent, create_team
    from klient.people.models import Team

    team = Team.objects.filter(name="Support").first() or create_team("Support", address=TEAM)
    agent = get_user_model().objects.filter(email="bench.agent@shop.example").first()
    if agent is None:
        agent, _ = create_agent("bench.agent@shop.example", name="Bench Agent", teams=[team])
    by_link: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[str] = []
    for case in cases(part):
        got = outcome(case, agent)
        tally = by_link[case.link]
        tally[1] += 1
        if got == case.expect:
            tally[0] += 1
        else:
            wrong.append(f"  {case.name}: expected {case.expect}, got {got}")
    total_ok = sum(t[0] for t in by_link.values())
    total = sum(t[1] for t in by_link.values())
    for link, (ok, n) in sorted(by_link.items()):
        print(f"{link:12} {ok:3}/{n:<3} {100 * ok / n:5.1f} %")
    print(f"{'all':12} {total_ok:3}/{total:<3} {100 * total_ok / max(1, total):5.1f} %")
    if wrong:
        print("wrong:")
        print("\n".join(wrong))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "held-out", "rules"), default="all")
    run(parser.parse_args().part)
