"""Recurring topics in customers' messages (pure Python, no Django).

`group(documents)` sorts the messages of one language (and one team) over a window of
weeks into topics:

1. Each message is a tf-idf vector of its terms (`words.words`), weighed against the whole
   window: a word nearly every message has (a greeting the stopwords missed, the bank's
   name) weighs little, one that links a few messages weighs much. Words in one message
   only, or in more than MAX_SHARE of them (when FEW or more), are left out.
2. Leader clustering: in order, each message joins the topic whose centre is closest
   (cosine at least JOIN), or starts one. Then REFINE rounds move every message to the
   closest centre again, and topics whose centres are closer than MERGE are merged, so the
   result hardly depends on the order.
3. A topic needs MIN_SIZE messages; the others are noise (one-off questions).
4. Its label is its most characteristic words against the window (share of the topic's
   messages with the word, times how much rarer it is elsewhere), shown as the customers
   wrote them most often, in their language.

Because the window spans months, "the same complaint for months" is one topic with a
weekly series; `match` then gives each topic the identity of the stored topic with the
closest signature, so its id, its corrective actions and its history survive every
recomputation (docs/voice.md)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .words import COMPOUNDING, compound_parts, term, words

JOIN = 0.22  # cosine to a topic's centre to join it
MERGE = 0.45  # centres at least this close are one topic
REFINE = 2
ATTACH = 0.3  # cosine for a message left out to join a topic at the end
MIN_SIZE = 3
MAX_SHARE = 0.5  # a term in more than this share of the messages says nothing
FEW = 30  # ... among at least this many: a few messages may well all be one complaint
SIGNATURE_TERMS = 25
LABEL_WORDS = 3
SAME_TOPIC = 0.3  # a new topic continues a stored one when their signatures are this close

Vector = dict[str, float]


@dataclass(frozen=True)
class Document:
    """One customer message (or call transcript): its id, language, week and new text."""

    key: int
    language: str
    week: date  # the Monday of its ISO week
    text: str


@dataclass
class Topic:
    language: str
    members: list[int]
    signature: Vector  # the centre's heaviest terms, normalised
    label: list[str]
    weeks: dict[date, int] = field(default_factory=dict)

    @property
    def volume(self) -> int:
        return len(self.members)


def week_of(moment: date | datetime) -> date:
    """The Monday of the ISO week of a date (a datetime's own date, in its own zone)."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from `first`'s week to `last`'s, both included."""
    start, end = week_of(first), week_of(last)
    return [start + timedelta(weeks=n) for n in range((end - start).days // 7 + 1)]


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(t, 0.0) for t, weight in a.items())


def _normalised(vector: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _centre(vectors: Iterable[Vector]) -> Vector:
    total: defaultdict[str, float] = defaultdict(float)
    for vector in vectors:
        for t, weight in vector.items():
            total[t] += weight
    return _normalised(total)


class _Corpus:
    """The terms of one language's documents, their document frequencies and vectors."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = documents
        self.terms: list[list[str]] = []
        self.surfaces: defaultdict[str, Counter[str]] = defaultdict(Counter)
        df: Counter[str] = Counter()
        every = [words(document.text, document.language) for document in documents]
        known = {surface for pairs in every for _, surface in pairs}
        for document, pairs in zip(documents, every, strict=True):
            if document.language in COMPOUNDING:
                pairs = pairs + [
                    (term(part, document.language), part)
                    for _, surface in pairs
                    for part in compound_parts(surface, known)
                ]
            seen = list(dict.fromkeys(t for t, _ in pairs))
            for t, surface in pairs:
                self.surfaces[t][surface] += 1
            self.terms.append(seen)
            df.update(seen)
        n = len(documents)
        self.df = df
        self.idf = {
            t: math.log((n + 1) / (count + 1)) + 1.0
            for t, count in df.items()
            if count >= 2 and (n < FEW or count <= MAX_SHARE * n)
        }
        self.vectors = [
            _normalised({t: self.idf[t] for t in terms if t in self.idf}) for terms in self.terms
        ]

    def surface(self, t: str) -> str:
        return self.surfaces[t].most_common(1)[0][0]


def _assign(vectors: Sequence[Vector], centres: Sequence[Vector], least: float) -> list[int]:
    """Each vector's closest centre when at least `least` close, else -1."""
    index: defaultdict[str, set[int]] = defaultdict(set)
    for c, centre in enumerate(centres):
        for t in centre:
            index[t].add(c)
    chosen = []
    for vector in vectors:
        candidates = set().union(*(index.get(t, set()) for t in vector)) if vector else set()
        best, best_score = -1, least
        for c in sorted(candidates):
            score = cosine(vector, centres[c])
            if score >= best_score and (best == -1 or score > best_score):
                best, best_score = c, score
        chosen.append(best)
    return chosen


def _leader(vectors: Sequence[Vector]) -> list[int]:
    """Leader clustering with centres updated as messages join."""
    centres: list[Vector] = []
    sums: list[defaultdict[str, float]] = []
    index: defaultdict[str, set[int]] = defaultdict(set)
    chosen = []
    for vector in vectors:
        if not vector:
            chosen.append(-1)
            continue
        candidates = set().union(*(index.get(t, set()) for t in vector))
        best, best_score = -1, JOIN
        for c in sorted(candidates):
            score = cosine(vector, centres[c])
            if score > best_score:
                best, best_score = c, score
        if best == -1:
            best = len(centres)
            centres.append({})
            sums.append(defaultdict(float))
        for t, weight in vector.items():
            sums[best][t] += weight
            index[t].add(best)
        centres[best] = _normalised(sums[best])
        chosen.append(best)
    return chosen


def _groups(chosen: Sequence[int]) -> list[list[int]]:
    members: defaultdict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(chosen):
        if c >= 0:
            members[c].append(i)
    return list(members.values())


def _merge(groups: list[list[int]], vectors: Sequence[Vector]) -> list[list[int]]:
    """Merge groups whose centres are at least MERGE apart, closest pairs first."""
    while True:
        centres = [_centre(vectors[i] for i in g) for g in groups]
        best = (MERGE, -1, -1)
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                score = cosine(centres[a], centres[b])
                if score >= best[0]:
                    best = (score, a, b)
        if best[1] < 0:
            return groups
        _, a, b = best
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]


def _label(corpus: _Corpus, group: Sequence[int]) -> tuple[list[str], Vector]:
    n, size = len(corpus.documents), len(group)
    inside: Counter[str] = Counter()
    for i in group:
        inside.update(t for t in corpus.terms[i] if t in corpus.idf)
    scored = []
    for t, count in inside.items():
        share, elsewhere = count / size, (corpus.df[t] - count + 1) / (n - size + 1)
        scored.append((share * math.log(1 + share / elsewhere), t))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    label = [corpus.surface(t) for _, t in scored[:LABEL_WORDS]]
    centre = _centre(corpus.vectors[i] for i in group)
    heaviest = sorted(centre.items(), key=lambda pair: (-pair[1], pair[0]))[:SIGNATURE_TERMS]
    return label, _normalised(dict(heaviest))


def group(documents: Sequence[Document]) -> list[Topic]:
    """The recurring topics of these documents (any languages: each is grouped on its
    own), largest first; a topic's members are document keys, its weeks their counts."""
    by_language: defaultdict[str, list[Document]] = defaultdict(list)
    for document in sorted(documents, key=lambda d: d.key):
        by_language[document.language].append(document)
    topics: list[Topic] = []
    for language in sorted(by_language):
        corpus = _Corpus(by_language[language])
        vectors = corpus.vectors
        chosen = _leader(vectors)
        for _ in range(REFINE):
            # Only groups of two or more are centres: a lone message is no topic yet, and
            # may join one now that the centres have settled.
            centres = [_centre(vectors[i] for i in g) for g in _groups(chosen) if len(g) > 1]
            chosen = _assign(vectors, centres, JOIN)
        groups = [g for g in _merge(_groups(chosen), vectors) if len(g) >= MIN_SIZE]
        # The messages left out join the closest topic when ATTACH close.
        placed = {i for g in groups for i in g}
        left = [i for i in range(len(vectors)) if i not in placed]
        centres = [_centre(vectors[i] for i in g) for g in groups]
        for i, c in zip(left, _assign([vectors[i] for i in left], centres, ATTACH), strict=True):
            if c >= 0:
                groups[c].append(i)
        for g in groups:
            g.sort()
            label, signature = _label(corpus, g)
            docs = [corpus.documents[i] for i in g]
            topics.append(
                Topic(
                    language=language,
                    members=[d.key for d in docs],
                    signature=signature,
                    label=label,
                    weeks=dict(sorted(Counter(d.week for d in docs).items())),
                )
            )
    topics.sort(key=lambda t: (-t.volume, t.language, t.label))
    return topics


def match(topics: Sequence[Topic], stored: Sequence[tuple[int, str, Vector]]) -> dict[int, int]:
    """Which stored topic (id, language, signature) each new topic continues: {index in
    `topics`: stored id}, closest pairs first, each stored topic used once, only within a
    language and only when at least SAME_TOPIC close. The others are new topics."""
    pairs = sorted(
        (
            (cosine(topic.signature, signature), i, pk)
            for i, topic in enumerate(topics)
            for pk, language, signature in stored
            if language == topic.language
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for score, i, pk in pairs:
        if score < SAME_TOPIC:
            break
        if i not in chosen and pk not in used:
            chosen[i] = pk
            used.add(pk)
    return chosen


RISING, FALLING, STEADY, NEW, GONE = "rising", "falling", "steady", "new", "gone"


def trend(series: Sequence[int], *, recent: int = 4) -> str:
    """How a weekly series moves, its last `recent` weeks against the `recent` before:
    "new" (nothing before), "gone" (nothing lately), "rising" / "falling" (a quarter more
    or less, and at least two messages apart) or "steady"."""
    now = sum(series[-recent:])
    before = sum(series[-2 * recent : -recent]) if len(series) > recent else 0
    if before == 0:
        return NEW if now else STEADY
    if now == 0:
        return GONE
    if now >= before * 1.25 and now - before >= 2:
        return RISING
    if now <= before * 0.75 and before - now >= 2:
        return FALLING
    return STEADY


def purity(found: Sequence[Sequence[int]], truth: dict[int, str]) -> float:
    """Of the documents put in a topic, the share in their topic's commonest true topic
    (noise counts as a topic of its own)."""
    placed = sum(len(g) for g in found)
    if not placed:
        return 0.0
    return sum(Counter(truth[k] for k in g).most_common(1)[0][1] for g in found) / placed


def pairwise(
    found: Sequence[Sequence[int]], truth: dict[int, str], noise: str = ""
) -> dict[str, float]:
    """Pairwise precision, recall and F1: of the pairs of documents put together, the share
    truly together; of the pairs truly together (not noise), the share put together."""
    together = {(a, b) for g in found for a in g for b in g if a < b}
    by_truth: defaultdict[str, list[int]] = defaultdict(list)
    for key, label in truth.items():
        if label != noise:
            by_truth[label].append(key)
    truly = {(a, b) for g in by_truth.values() for a in g for b in g if a < b}
    right = len(together & truly)
    precision = right / len(together) if together else 0.0
    recall = right / len(truly) if truly else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
