"""Customer sentiment on the held-out labelled sets (tests/sentiment/labelled/*-heldout.tsv,
never looked at while the rules were written): negative-versus-not F1 per language, at-risk
precision and recall, and messages analysed per second on one core (the whole labelled
corpus, dev and held-out, analysed over and over, plus the language detection inbound
messages without a language need).

    PYTHONPATH=src .venv/bin/python bench/insights_sentiment.py [--seconds 3]

`report()` returns the figures as a dict (bench/insights.py prints them with the others)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from klient.mail.language import detect_language
from klient.sentiment.analyser import LANGUAGES, analyse

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "sentiment" / "labelled"
PARTS = ("heldout", "heldout2", "dev")


def rows(language: str, part: str) -> list[tuple[str, bool, str]]:
    found = []
    for line in (LABELLED / f"{language}-{part}.tsv").read_text("utf-8").splitlines():
        if line.strip():
            label, risk, text = line.split("\t")
            found.append((label, risk == "1", text))
    return found


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def accuracy(language: str, part: str = "heldout") -> dict[str, float | int]:
    tp = fp = fn = rtp = rfp = rfn = 0
    labelled = rows(language, part)
    for label, at_risk, text in labelled:
        result = analyse(text, language)
        said, meant = result.label == "negative", label == "negative"
        tp, fp, fn = tp + (said and meant), fp + (said and not meant), fn + (meant and not said)
        rtp += result.at_risk and at_risk
        rfp += result.at_risk and not at_risk
        rfn += at_risk and not result.at_risk
    return {
        "messages": len(labelled),
        "negative_f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "at_risk_precision": _ratio(rtp, rtp + rfp),
        "at_risk_recall": _ratio(rtp, rtp + rfn),
    }


def _rate(corpus: list[str], seconds: float) -> float:
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in corpus:
            analyse(text, detect_language(text) or "en")
        done += len(corpus)
    return round(done / (time.perf_counter() - started), 1)


def throughput(seconds: float = 3.0) -> dict[str, float]:
    """Messages per second on one core: detection and analysis, as an inbound message; the
    labelled messages as they are (one to three sentences), joined ten by ten in their
    language (an email of ~500 characters), and all of a language's joined and cut at 4,000
    characters (the most the analyser reads)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    short: list[str] = []
    long: list[str] = []
    longest: list[str] = []
    for language in LANGUAGES:
        texts = [t for part in ("dev", "heldout") for _, _, t in rows(language, part)]
        short.extend(texts)
        long.extend(" ".join(texts[i : i + 10]) for i in range(0, len(texts), 10))
        longest.append(" ".join(texts)[:4000])  # what the analyser reads at most
    return {
        "short_messages_per_second": _rate(short, seconds),
        "email_sized_messages_per_second": _rate(long, seconds),
        "email_sized_average_chars": round(sum(map(len, long)) / len(long)),
        "4000_char_messages_per_second": _rate(longest, seconds),
    }


def report(seconds: float = 3.0) -> dict[str, object]:
    # heldout2: the second held-out batch, written after the first had been looked at.
    return {
        part: {language: accuracy(language, part) for language in LANGUAGES} for part in PARTS
    } | {"speed_one_core": throughput(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    figures = report(args.seconds)
    print("part      lang  messages  negative F1  at-risk P  at-risk R")
    for part in PARTS:
        for language, row in figures[part].items():  # type: ignore[union-attr]
            print(
                f"{part:<9} {language:<4} {row['messages']:>8}  {row['negative_f1']:>11}  "
                f"{row['at_risk_precision']:>9}  {row['at_risk_recall']:>9}"
            )
    print(json.dumps(figures["speed_one_core"]))


if __name__ == "__main__":
    main()
