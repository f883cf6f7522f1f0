"""The tone guard's matcher (no Django): phrasing in a draft likely to offend a customer.

A rule is data (src/klient/tone/rules/<language>.toml, and administrators' own rules): a
category, patterns, a reason and a warmer wording. `find(text, rulebook)` answers findings
with character offsets into `text` as given, so `text[start:end] == quote` always.

Matching runs on a copy of the text of the same length: typographic apostrophes and quotes
become ASCII ones, non-breaking spaces become spaces (one character for one, so offsets carry
over unchanged); case is ignored by the regular expressions rather than by lowering the text,
because lowering can change a text's length ("İ"). A space in a pattern matches any run of
white space, so a phrase broken over two lines is still found.

A rule's `unless` patterns keep a near miss from being flagged: they are looked for in the
sentence of the match and the next one ("We can't help with the insurance part, but here is
the insurer's number" declines with a hand-over). Its `not_after` patterns are looked for in
the words just before the match ("this was not your fault")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CATEGORIES",
    "Finding",
    "Rule",
    "Rulebook",
    "compile_rule",
    "find",
    "normalise",
    "phrase_pattern",
]

CATEGORIES = ("doubting", "blaming", "condescending", "passive_aggressive", "dismissive")

_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark
        "\u2018": "'",
        "\u02bc": "'",  # modifier letter apostrophe (Ukrainian)
        "\u02b9": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2011": "-",  # non-breaking hyphen
        "\u2010": "-",
    }
)
_FLAGS = re.IGNORECASE | re.UNICODE
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_BEFORE = 30  # characters before a match that `not_after` looks at


def normalise(text: str) -> str:
    """`text` with apostrophes, quotes and spaces made plain, of the same length."""
    return text.translate(_SAME_LENGTH)


def phrase_pattern(phrase: str) -> str:
    """A regular expression for a plain phrase (administrators write phrases, not regular
    expressions: no pattern of theirs can be slow or broken): words in order, any white
    space between them, apostrophes of any kind."""
    words = normalise(phrase).split()
    return r"\s+".join(re.escape(word) for word in words)


@dataclass(frozen=True)
class Rule:
    """One rule: where `patterns` match (and no `unless`/`not_after` does), `category`."""

    id: str
    category: str
    patterns: tuple[str, ...]
    reason: str
    suggestion: str
    unless: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    passes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    not_after: re.Pattern[str] | None


def _spaces(pattern: str) -> str:
    return pattern.replace(" ", r"\s+")


def _union(patterns: Sequence[str], *, bounded: bool) -> re.Pattern[str] | None:
    if not patterns:
        return None
    body = "|".join(f"(?:{_spaces(p)})" for p in patterns)
    if bounded:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return re.compile(body, _FLAGS)


def compile_rule(rule: Rule) -> _Compiled:
    """Raises re.error for a broken pattern, ValueError for an unknown category."""
    if rule.category not in CATEGORIES:
        raise ValueError(f"unknown tone category {rule.category!r} in rule {rule.id}")
    pattern = _union(rule.patterns, bounded=True)
    if pattern is None:
        raise ValueError(f"rule {rule.id} has no pattern")
    not_after = None
    if rule.not_after:
        not_after = re.compile(
            # Bounded at its start: "nie" must not be found at the end of "Opóźnienie".
            r"(?<!\w)(?:" + "|".join(_spaces(p) for p in rule.not_after) + r")\W*$",
            _FLAGS,
        )
    return _Compiled(rule, pattern, _union(rule.unless, bounded=True), not_after)


@dataclass(frozen=True)
class Finding:
    category: str
    start: int
    end: int
    quote: str
    reason: str
    suggestion: str
    rule: str

    def to_json(self) -> dict[str, Any]:
        """The API's shape: the rule's id is the desk's own business, not the contract's."""
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "reason": self.reason,
            "suggestion": self.suggestion,
        }


@dataclass
class Rulebook:
    """A language's rules, compiled once."""

    language: str
    rules: Sequence[Rule]
    _compiled: list[_Compiled] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._compiled = [compile_rule(rule) for rule in self.rules]

    def __iter__(self) -> Iterator[_Compiled]:
        return iter(self._compiled)


def _sentence_window(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] and the one after it."""
    begin = 0
    for stop in _SENTENCE_END.finditer(text, 0, start):
        begin = stop.end()
    after = _SENTENCE_END.search(text, end)
    if after is None:
        return text[begin:]
    following = _SENTENCE_END.search(text, after.end())
    return text[begin : following.start() if following else len(text)]


def find(text: str, rulebook: Rulebook) -> list[Finding]:
    """Findings in `text`, in order of where they start; where two findings of the same
    category overlap, the first (then the longer) one is kept."""
    plain = normalise(text)
    found: list[Finding] = []
    for compiled in rulebook:
        rule = compiled.rule
        for match in compiled.pattern.finditer(plain):
            start, end = match.span()
            if start == end:
                continue
            if compiled.not_after is not None and compiled.not_after.search(
                plain, max(0, start - _BEFORE), start
            ):
                continue
            if compiled.unless is not None and compiled.unless.search(
                _sentence_window(plain, start, end)
            ):
                continue
            found.append(
                Finding(
                    category=rule.category,
                    start=start,
                    end=end,
                    quote=text[start:end],
                    reason=rule.reason,
                    suggestion=rule.suggestion,
                    rule=rule.id,
                )
            )
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if any(
            k.category == finding.category and k.start < finding.end and finding.start < k.end
            for k in kept
        ):
            continue
        kept.append(finding)
    return kept
