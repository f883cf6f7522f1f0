"""Automatic-reply detection on the hand-written set in tests/mail/labelled/automatic/.

    .venv/bin/python bench/mail_accuracy.py automatic [--part all|held-out|rules]
    .venv/bin/python bench/mail_accuracy_automatic.py [--part ...] [--batch N]

Prints per language: items, precision and recall of "automatic" (an auto-reply or a bounce),
the human messages taken for robots (the worst error: they are never counted as waiting) and
the microseconds classify() takes per message (parsing not included). The held-out part is
the items marked `=== held` (batches 6-12; tests/mail/labelled/automatic/README.md says which
of them rules were later written from).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
LABELLED = HERE.parent / "tests" / "mail" / "labelled" / "automatic"
LANGUAGES = ("en", "fr", "pl", "de", "uk")


# NamedTuples, not dataclasses: bench/mail_accuracy.py loads this file without registering it
# in sys.modules, which dataclasses need.
class Item(NamedTuple):
    language: str
    number: int  # 1-based position in the language's file
    held_out: bool
    automatic: bool
    raw: bytes
    batch: int | None = None  # from a `batch=N` word on the label line, when the item has one

    @property
    def name(self) -> str:
        return f"{self.language}#{self.number}"


def load_items(part: str = "all", batch: int | None = None) -> list[Item]:
    """Every item of the labelled set; part is all, held-out or rules; batch keeps only the
    items tagged `batch=N` (a fresh held-out batch is read on its own line)."""
    items = []
    for language in LANGUAGES:
        text = (LABELLED / f"{language}.txt").read_text(encoding="utf-8")
        chunks = text.split("\n=== ")
        chunks[0] = chunks[0].removeprefix("=== ")
        for number, chunk in enumerate(chunks, start=1):
            label_line, _, rest = chunk.partition("\n")
            words = label_line.split()
            held_out = words[0] == "held"
            label = words[1] if held_out else words[0]
            tags = [int(w.removeprefix("batch=")) for w in words if w.startswith("batch=")]
            assert label in ("auto", "human"), f"{language}#{number}: {label_line!r}"
            head, _, body = rest.partition("\n\n")
            if not any(line.lower().startswith("from:") for line in head.splitlines()):
                head = f"From: Someone <someone{number}@mail.{language}.example>\n{head}"
            raw = (
                f"{head}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                f"Content-Transfer-Encoding: 8bit\n\n{body.strip()}\n"
            ).replace("\n", "\r\n")
            item = Item(
                language, number, held_out, label == "auto", raw.encode("utf-8"),
                tags[0] if tags else None,
            )  # fmt: skip
            if batch is not None and item.batch != batch:
                continue
            if part == "all" or (part == "held-out") == held_out:
                items.append(item)
    return items


class Figures(NamedTuple):
    items: int
    automatic: int
    caught: int  # automatic items flagged
    false_alarms: tuple[str, ...]  # human items flagged
    missed: tuple[str, ...]  # automatic items not flagged

    @property
    def precision(self) -> float:
        flagged = self.caught + len(self.false_alarms)
        return self.caught / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.caught / self.automatic if self.automatic else 1.0


def evaluate(items: list[Item]) -> dict[str, Figures]:
    from klient.mail.classify import classify
    from klient.mail.parsing import parse

    figures = {}
    for language in LANGUAGES:
        mine = [item for item in items if item.language == language]
        caught, false_alarms, missed = 0, [], []
        for item in mine:
            result = classify(parse(item.raw))
            flagged = result.auto_reply or result.bounce
            if item.automatic and flagged:
                caught += 1
            elif item.automatic:
                missed.append(item.name)
            elif flagged:
                false_alarms.append(item.name)
        figures[language] = Figures(
            len(mine), sum(i.automatic for i in mine), caught, tuple(false_alarms), tuple(missed)
        )
    return figures


def microseconds_per_message(items: list[Item], rounds: int = 30) -> float:
    """The best round: the machine is shared, the least disturbed pass is the figure."""
    from klient.mail.classify import classify
    from klient.mail.parsing import parse

    parsed = [parse(item.raw) for item in items]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for mail in parsed:
            classify(mail)
        best = min(best, time.perf_counter() - start)
    return best / len(parsed) * 1e6


def run(part: str, batch: int | None = None) -> None:
    items = load_items(part, batch)
    print(f"{'lang':<5}{'items':>6}{'auto':>6}{'precision':>11}{'recall':>8}  errors")
    for language, f in evaluate(items).items():
        errors = " ".join([*(f"human-flagged:{n}" for n in f.false_alarms),
                           *(f"missed:{n}" for n in f.missed)])  # fmt: skip
        counts = f"{language:<5}{f.items:>6}{f.automatic:>6}"
        print(f"{counts}{f.precision:>10.1%}{f.recall:>8.1%}  {errors}")
    print(f"classify(): {microseconds_per_message(items):.1f} µs per message")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "held-out", "rules"), default="all")
    parser.add_argument("--batch", type=int, help="only the items tagged batch=N")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent / "src"))
    run(args.part, args.batch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
