"""Find promises in an outgoing message: sentences in which the writer commits to
something with a deadline ("I'll call you back tomorrow", "Oddzwonię jutro"), each with
its due time by the convention table (klient.promises.due). Pure Python, no Django.

A sentence is a promise when it has a deadline expression, a first-person commitment,
and none of the marks of a non-promise (question or offer, request, condition on an
unknown event, negation, hedge, past action). Vague times ("as soon as possible", "in
the coming days") are no deadline at all, so they never make one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from .due import Anchor, Clock, elapsed, resolve
from .phrases import RULES, Rules

# Sentence ends: ., !, ? or ; followed by space, and line breaks. Abbreviated dates
# ("15. April", "03.04.") keep their dots because a digit or a letter follows closely.
_SENTENCE_END = re.compile(r"(?<=[.!?;])(?<!\b\d\.)(?<!\b\d\d\.)\s+(?=\S)|\n+")
T = TypeVar("T")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})  # same length: offsets unchanged


@dataclass(frozen=True)
class Promise:
    start: int  # character offsets into the text: text[start:end] == quote
    end: int
    quote: str
    due: datetime  # aware, in the reference time's zone


def find_promises(text: str, reference: datetime, language: str | None = None) -> list[Promise]:
    """Every promise in `text`, in order. `reference` (aware) is when the message is
    sent; due times are in its zone. Without a known `language` every language's rules
    are tried, sentence by sentence."""
    if reference.tzinfo is None:
        raise ValueError("the reference time needs a time zone")
    rules = [RULES[language]] if language in RULES else list(RULES.values())
    normalised = text.translate(_APOSTROPHES)
    found: list[Promise] = []
    for start, end in sentences(normalised):
        sentence = normalised[start:end]
        for rule in rules:
            due = due_of(sentence, reference, rule)
            if due is not None:
                found.append(Promise(start, end, text[start:end], due))
                break
    return found


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of surrounding space."""
    spans = []
    position = 0
    for cut in [*_SENTENCE_END.finditer(text), None]:
        stop = cut.start() if cut else len(text)
        piece = text[position:stop]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            spans.append((position + lead, position + len(piece.rstrip())))
        if cut:
            position = cut.end()
    return spans


def due_of(sentence: str, reference: datetime, rules: Rules) -> datetime | None:
    """The due time if `sentence` is a promise by `rules`, else None."""
    taken: list[tuple[int, int]] = []
    minutes = _first(sentence, rules.elapsed, taken)
    anchor: Anchor | None = _first(sentence, rules.anchors, taken)
    clock: Clock | None = _first(sentence, rules.clocks, taken)
    if minutes is None and anchor is None and clock is None:
        return None
    # Judge the words around the deadline, not the deadline itself (a weekday in the
    # accusative must not pass for a verb).
    rest = _blank(sentence, taken)
    if not rules.commitment.search(rest):
        return None
    if any(pattern.search(sentence) for pattern, _ in rules.not_promise):
        return None
    if minutes is not None:
        return elapsed(reference, minutes)
    return resolve(reference, anchor, clock)


def _first(
    sentence: str,
    table: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str]], T]]],
    taken: list[tuple[int, int]],
) -> T | None:
    """The value of the first pattern of `table` that matches outside the spans already
    `taken` (the table's order says which reading wins); its span is taken too."""
    for pattern, build in table:
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            return build(match)
    return None


def _blank(sentence: str, spans: list[tuple[int, int]]) -> str:
    chars = list(sentence)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
