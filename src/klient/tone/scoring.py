"""Scoring the tone guard against hand-labelled sentences (no Django).

The labelled files (tests/tone/labelled/, see its README) hold one sentence a line:
`category<TAB>text with [[marked]] words`. A finding is right when its category is one of
the sentence's and it overlaps a marked span; per sentence and category there is at most one
true positive, false positive or false negative. `any` counts a sentence as offending
whatever the category."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .matcher import CATEGORIES, Finding

__all__ = ["Labelled", "Score", "load_labelled", "score"]

_MARK = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True)
class Labelled:
    text: str
    language: str
    categories: frozenset[str]
    spans: tuple[tuple[int, int], ...]


def parse_line(line: str, language: str) -> Labelled:
    label, marked = line.split("\t", 1)
    categories = frozenset() if label.strip() == "-" else frozenset(label.strip().split(","))
    unknown = categories - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)} in {line!r}")
    text, spans, cursor = "", [], 0
    for match in _MARK.finditer(marked):
        text += marked[cursor : match.start()]
        spans.append((len(text), len(text) + len(match.group(1))))
        text += match.group(1)
        cursor = match.end()
    text += marked[cursor:]
    if bool(categories) != bool(spans):
        raise ValueError(f"an offending sentence marks its words, a neutral one none: {line!r}")
    return Labelled(text, language, categories, tuple(spans))


def load_labelled(path: Path) -> list[Labelled]:
    """`<language>.<part>.txt`."""
    language = path.name.split(".", 1)[0]
    return [
        parse_line(line, language)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _overlaps(finding: Finding, spans: Iterable[tuple[int, int]]) -> bool:
    return any(finding.start < end and start < finding.end for start, end in spans)


def score(
    items: Sequence[Labelled], check: Callable[[Labelled], list[Finding]]
) -> tuple[dict[str, Score], list[tuple[Labelled, list[Finding]]]]:
    """Scores per category plus "all" (every category together) and "any" (offending or
    not), and the sentences the guard got wrong with what it found."""
    scores = {name: Score() for name in (*CATEGORIES, "all", "any")}
    wrong: list[tuple[Labelled, list[Finding]]] = []
    for item in items:
        findings = check(item)
        mistaken = False
        for category in CATEGORIES:
            mine = [f for f in findings if f.category == category]
            right = category in item.categories and any(_overlaps(f, item.spans) for f in mine)
            for name in (category, "all"):
                if right:
                    scores[name].tp += 1
                elif category in item.categories:
                    scores[name].fn += 1
                    mistaken = True
                if mine and not right:
                    scores[name].fp += 1
                    mistaken = True
        if item.categories:
            if findings:
                scores["any"].tp += 1
            else:
                scores["any"].fn += 1
        elif findings:
            scores["any"].fp += 1
        if mistaken:
            wrong.append((item, findings))
    return scores, wrong
