"""Promises (issue 17, item 3): precision and recall per language and due-time exactness
on the held-out part of the hand-labelled sets (tests/promises/labelled/*.heldout.tsv),
and the latency of the promises part of the pre-send check on 2,000-character drafts
(language detection and klient.promises.detect.find_promises; the one query for the
conversation's zone is left out). Pure Python: no database.

    PYTHONPATH=src .venv/bin/python bench/insights_promises.py [--runs 200]

`report()` returns the figures as a dict (bench/insights.py collects them); `main()`
prints them."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "src"))

from klient.mail.language import detect_language  # noqa: E402
from klient.promises.detect import find_promises  # noqa: E402

LABELLED = ROOT / "tests" / "promises" / "labelled"
LANGUAGES = ("en", "fr", "pl", "de", "uk")
DRAFT_CHARS = 2_000


def rows(language: str, part: str = "heldout") -> list[tuple[str, datetime, datetime | None]]:
    found = []
    for line in (LABELLED / f"{language}.{part}.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        reference, zone, expected, text = line.split("\t")
        tz = ZoneInfo(zone)
        want = None if expected == "-" else datetime.fromisoformat(expected).replace(tzinfo=tz)
        found.append((text, datetime.fromisoformat(reference).replace(tzinfo=tz), want))
    return found


def accuracy(language: str, part: str = "heldout") -> dict[str, Any]:
    tp = fp = fn = exact = 0
    labelled = rows(language, part)
    for text, reference, want in labelled:
        found = find_promises(text, reference, language)
        if want is None:
            fp += bool(found)
        elif not found:
            fn += 1
        else:
            tp += 1
            exact += found[0].due == want
    return {
        "sentences": len(labelled),
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "due_exact": f"{exact}/{tp}",
    }


def drafts() -> list[str]:
    """2,000-character drafts: each language's dev sentences (not the held-out ones)
    strung together, as a long reply is."""
    made = []
    for language in LANGUAGES:
        text = " ".join(t for t, _, _ in rows(language, "dev"))
        while len(text) < DRAFT_CHARS:
            text += " " + text
        made.append(text[:DRAFT_CHARS])
    return made


def latency(runs: int) -> dict[str, float]:
    reference = datetime(2026, 3, 25, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    samples = []
    texts = drafts()
    for i in range(runs):
        text = texts[i % len(texts)]
        start = time.perf_counter()
        find_promises(text, reference, detect_language(text) or None)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "max_ms": round(samples[-1], 2),
    }


def report(runs: int = 200) -> dict[str, Any]:
    find_promises("warm up", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    detect_language("warm up the language detector, please")
    return {
        "promises_heldout": {language: accuracy(language) for language in LANGUAGES},
        "promises_check_latency_2000_chars": latency(runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    figures = report(parser.parse_args().runs)
    print("Promises on the held-out part (precision, recall, due times exact):")
    for language, row in figures["promises_heldout"].items():
        print(
            f"  {language}: precision {row['precision']:.3f}  recall {row['recall']:.3f}"
            f"  due exact {row['due_exact']}"
        )
    lat = figures["promises_check_latency_2000_chars"]
    print(
        f"Promises check on a {DRAFT_CHARS}-character draft ({lat['runs']} runs): "
        f"p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, max {lat['max_ms']} ms"
    )


if __name__ == "__main__":
    main()
