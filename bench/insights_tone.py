"""The tone guard's figures: precision and recall per language and category on the
hand-labelled sentences (tests/tone/labelled/: the held-out part, never looked at while
writing rules, and the rule-writing part), and the as-you-type check's latency on a
2,000-character draft (language detection and the matcher, per language; target p95 < 30 ms).

    PYTHONPATH=src .venv/bin/python bench/insights_tone.py [--runs 300] [--json]

`report() -> dict` gives the same figures to bench/insights.py."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from klient.mail.language import detect_language  # noqa: E402
from klient.tone import matcher, rulebook, scoring  # noqa: E402

LABELLED = ROOT / "tests" / "tone" / "labelled"
# heldout2: the second held-out batch, written after the first had been looked at (issue 17).
PARTS = ("heldout", "heldout2", "rules")
DRAFT_CHARS = 2_000


def accuracy(part: str) -> dict[str, dict[str, dict[str, float | int]]]:
    """{language: {category | "all" | "any": {precision, recall, tp, fp, fn}}}."""
    out = {}
    for language in rulebook.LANGUAGES:
        items = scoring.load_labelled(LABELLED / f"{language}.{part}.txt")
        book = rulebook.rulebook(language)
        scores, _wrong = scoring.score(items, lambda item, book=book: matcher.find(item.text, book))
        out[language] = {name: score.as_dict() for name, score in scores.items()}
        out[language]["sentences"] = {"n": len(items)}
    return out


def draft_of(language: str) -> str:
    """A 2,000-character draft of the language: its labelled sentences (both kinds) one
    after another, as a long reply would run."""
    items = scoring.load_labelled(LABELLED / f"{language}.rules.txt")
    text, i = "", 0
    while len(text) < DRAFT_CHARS:
        text += items[i % len(items)].text + " "
        i += 1
    return text[:DRAFT_CHARS]


def latency(runs: int) -> dict[str, dict[str, float]]:
    out = {}
    for language in rulebook.LANGUAGES:
        draft = draft_of(language)
        book = rulebook.rulebook(language)
        matcher.find(draft, book)  # warm: rules compiled, lingua loaded
        detect_language(draft)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            matcher.find(draft, rulebook.rulebook(detect_language(draft) or language))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        out[language] = {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "max_ms": round(times[-1], 2),
            "findings": len(matcher.find(draft, book)),
        }
    return out


def report(runs: int = 300) -> dict[str, Any]:
    return {
        "accuracy": {part: accuracy(part) for part in PARTS},
        "latency_2000_chars": latency(runs),
        "rules": {language: len(rulebook.load_rules(language)) for language in rulebook.LANGUAGES},
    }


def _print(figures: dict[str, Any]) -> None:
    for part in PARTS:
        print(f"\n{part} part: precision / recall (tp fp fn)")
        header = ["lang", *matcher.CATEGORIES, "all", "any"]
        print("  ".join(f"{h:>18}" for h in header))
        for language, scores in figures["accuracy"][part].items():
            cells = [f"{language:>18}"]
            for name in header[1:]:
                s = scores[name]
                cells.append(
                    f"{s['precision']:.2f}/{s['recall']:.2f} ({s['tp']} {s['fp']} {s['fn']})".rjust(
                        18
                    )
                )
            print("  ".join(cells))
    print(f"\nas-you-type check, {DRAFT_CHARS}-character draft (detection + matcher):")
    for language, t in figures["latency_2000_chars"].items():
        print(
            f"  {language}: p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms, max {t['max_ms']} ms "
            f"({t['findings']} findings)"
        )
    print("rules shipped:", figures["rules"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = report(args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        _print(figures)


if __name__ == "__main__":
    main()
