"""A customer message's sentiment and whether the relationship is at risk (no Django).

Rules, not a model: per-language lexicons (data files in `lexicons/`, one per language) list
words and phrases with a weight, and the phrases that put a relationship at risk, in four
kinds: `leaving` (cancelling, closing the account, not renewing), `elsewhere` (a competitor,
another provider), `public` (a review, social media, a consumer body), `repeated` (third time,
still not, again). Agents see the reasons: every finding names its words and why.

Lexicon lines: `phrase` or `phrase = weight`; a word ending in `*` matches any ending (Polish
and Ukrainian inflect, no lemmatiser is needed for the few stems listed), `..` stands for up to
three words in between. A word or phrase preceded (German, French also: followed) by one of the
language's negators within three words is negated: a positive word counts as negative ("not
happy"), a negative one as nothing ("not bad"), an at-risk phrase not at all ("I'm not
leaving"). Phrases about leaving inside a question ("How do I cancel one order?") do not count:
asking how something works is not a decision to go.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "AT_RISK_KINDS",
    "LANGUAGES",
    "Finding",
    "Sentiment",
    "analyse",
]

LANGUAGES = ("en", "fr", "pl", "de", "uk")
AT_RISK_KINDS = ("leaving", "elsewhere", "public", "repeated")
_SECTIONS = ("negative", "positive", "negators", *AT_RISK_KINDS)
NEGATIVE_BELOW = -0.5  # a score at or below this is "negative"
POSITIVE_ABOVE = 0.5  # at or above this is "positive"
AT_RISK_WEIGHT = -2.0  # an at-risk phrase is also a strongly negative one
NEGATION_WINDOW = 3  # words
MAX_CHARS = 4000  # longer text is cut: the start of a message carries its point
_LEXICONS = Path(__file__).with_name("lexicons")
_WORD = re.compile(r"\w+", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_SENTENCE_END = re.compile(r"[.!?\n]+")
_SUBORDINATORS = frozenset({"que", "qu", "dass", "daß"})
_CLAUSE_END = re.compile(r"[.!?\n,;:]+")


@dataclass(frozen=True, slots=True)
class Finding:
    """Words of the message that moved the score or flagged the risk, and why."""

    kind: str  # "negative", "positive", or an at-risk kind
    quote: str  # the words as written; start and end are offsets into the analysed text
    start: int
    end: int
    weight: float
    negated: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "weight": self.weight,
            "negated": self.negated,
        }


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: str  # "negative" | "neutral" | "positive"
    score: float  # in [-1, 1]
    at_risk: bool
    reasons: tuple[Finding, ...]

    @property
    def at_risk_reasons(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.reasons if f.kind in AT_RISK_KINDS and not f.negated)


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    phrase: str
    pattern: re.Pattern[str]
    weight: float
    # The phrase's longest literal piece: a substring test (fast) before the pattern (slow).
    needle: str


@dataclass(frozen=True, slots=True)
class _Lexicon:
    entries: tuple[_Entry, ...]
    negators: frozenset[str]
    negators_after: bool


def _compile(phrase: str) -> re.Pattern[str]:
    parts = []
    for word in phrase.split():
        if word == "..":
            parts.append(r"(?:\W+\w+){0,3}?")
        elif word.endswith("*"):
            parts.append(r"\W+" + re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(r"\W+" + re.escape(word))
    body = "".join(parts)
    body = body.removeprefix(r"\W+")
    # No look-behind and no IGNORECASE (the text is lowercased first): a pattern that starts
    # with its literal is searched for fast; the word boundary before it is checked by hand.
    return re.compile(body + r"(?!\w)")


def _needle(phrase: str) -> str:
    return max((w.rstrip("*") for w in phrase.split() if w != ".."), key=len, default="")


def parse_lexicon(text: str) -> dict[str, list[tuple[str, float]]]:
    """Sections of a lexicon file: `[section]` headers, `phrase [= weight]` lines, # comments."""
    sections: dict[str, list[tuple[str, float]]] = {name: [] for name in _SECTIONS}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if current not in sections:
                raise ValueError(f"unknown lexicon section {current!r}")
            continue
        if current is None:
            raise ValueError(f"lexicon line outside a section: {line!r}")
        phrase, _, weight = line.partition("=")
        default = {"negative": -1.5, "positive": 1.0}.get(current, AT_RISK_WEIGHT)
        sections[current].append(
            (phrase.strip().translate(_APOSTROPHES).lower(), float(weight) if weight else default)
        )
    return sections


@cache
def _lexicon(language: str) -> _Lexicon:
    sections = parse_lexicon((_LEXICONS / f"{language}.txt").read_text(encoding="utf-8"))
    entries = tuple(
        _Entry(kind, phrase, _compile(phrase), weight, _needle(phrase))
        for kind in ("negative", "positive", *AT_RISK_KINDS)
        for phrase, weight in sections[kind]
    )
    negators = frozenset(p for p, _ in sections["negators"])
    return _Lexicon(entries, negators, negators_after=language in ("de", "fr"))


@dataclass(frozen=True, slots=True)
class _Clauses:
    """Where the text's clauses end (, ; : . ! ? and line breaks), found once per text."""

    starts: list[int]  # where each separator starts
    ends: list[int]  # where each separator ends

    @classmethod
    def of(cls, text: str) -> _Clauses:
        found = list(_CLAUSE_END.finditer(text))
        return cls([m.start() for m in found], [m.end() for m in found])

    def start_before(self, position: int) -> int:
        index = bisect_right(self.ends, position) - 1
        return self.ends[index] if index >= 0 else 0

    def end_after(self, position: int, length: int) -> int:
        index = bisect_left(self.starts, position)
        return self.starts[index] if index < len(self.starts) else length


def _negated(
    lexicon: _Lexicon, text: str, clauses: _Clauses, start: int, end: int, kind: str
) -> bool:
    # Negation stays within its clause: "if it is not fixed, I am leaving" is still leaving.
    clause_start = max(clauses.start_before(start), start - 80)
    before = _WORD.findall(text, clause_start, start)[-NEGATION_WINDOW:]
    if any(w in lexicon.negators for w in before):
        return True
    # A repetition is not negated by what follows it: "wieder einmal ist niemand gekommen",
    # "une fois de plus personne n'est venu" repeat a failure, the negator is the failure.
    if lexicon.negators_after and kind != "repeated":
        clause_end = min(clauses.end_after(end, len(text)), end + 80)
        after = _WORD.findall(text, end, clause_end)[:2]
        # "dommage que personne ne m'ait prévenu": a negator in the clause that follows
        # belongs to that clause; and a phrase that is a negation itself ("n'achèterai plus
        # jamais") is not undone by the next "rien".
        if after and after[0] in _SUBORDINATORS:
            return False
        if any(w in lexicon.negators for w in _WORD.findall(text, start, end)):
            return False
        return any(w in lexicon.negators for w in after)
    return False


def _in_question(text: str, end: int) -> bool:
    stop = _SENTENCE_END.search(text, end)
    return stop is not None and "?" in stop.group()


def _lowered(text: str) -> str:
    """Lowercase, one character for one, so offsets into it are offsets into the text
    ("İ".lower() is two characters; its first is kept)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower()[:1] for ch in text)


def analyse(text: str, language: str) -> Sentiment:
    """The sentiment of a customer's own words (the new text of a message, not its quotes)."""
    lexicon = _lexicon(language if language in LANGUAGES else "en")
    original = text[:MAX_CHARS]
    text = _lowered(original.translate(_APOSTROPHES))
    findings: list[Finding] = []
    taken = bytearray(len(text))  # 1 where a finding already is
    clauses = _Clauses.of(text)
    # At-risk phrases first, then longer phrases: a span counts once ("still not happy" is one
    # repeated frustration, not also "not happy").
    order = sorted(
        lexicon.entries,
        key=lambda e: (e.kind not in AT_RISK_KINDS, -len(e.phrase)),
    )
    for entry in order:
        if entry.needle not in text:
            continue
        for match in entry.pattern.finditer(text):
            start, end = match.span()
            if start and _WORD.match(text, start - 1):
                continue  # inside a word: "kalt" in "Inhalt"
            if taken.find(1, start, end) != -1:
                continue
            negated = _negated(lexicon, text, clauses, start, end, entry.kind)
            if entry.kind == "leaving" and _in_question(text, end):
                continue
            taken[start:end] = b"\x01" * (end - start)
            findings.append(
                Finding(entry.kind, original[start:end], start, end, entry.weight, negated)
            )
    score = 0.0
    for finding in findings:
        if not finding.negated:
            score += finding.weight
        elif finding.kind == "positive":
            score -= finding.weight
    # Repeating oneself is a risk when it is a complaint ("again the same error"), not in a
    # happy message ("thanks again, third time I order and always perfect").
    said_without_repeats = sum(f.weight for f in findings if f.kind != "repeated" and not f.negated)
    at_risk = any(
        not f.negated and (f.kind != "repeated" or said_without_repeats <= 0)
        for f in findings
        if f.kind in AT_RISK_KINDS
    )
    if at_risk or score <= NEGATIVE_BELOW:
        label = "negative"
    elif score >= POSITIVE_ABOVE:
        label = "positive"
    else:
        label = "neutral"
    bounded = max(-1.0, min(1.0, score / 3))
    findings.sort(key=lambda f: f.start)
    return Sentiment(label, round(bounded, 3), at_risk, tuple(findings))
