"""Is a parsed mail an auto-reply, a bounce or bulk mail? (no Django)

Headers decide first (RFC 3834 ``Auto-Submitted``, the de-facto ``X-Autoreply``,
``X-Autorespond``, ``Precedence``, ``List-Id``, ``List-Unsubscribe``, RFC 3464 reports,
``X-Failed-Recipients``). More than half of real auto-replies set none of them, so without a
deciding header the wording is scored (`score_wording`, rules in auto_rules.py): subject and
body wording, a return date, a stand-in, "will not be forwarded", no question asked, header
hints add up; a question to the company, a forward prefix and quoted history count against.
Only a score at or above the threshold makes an auto-reply: when unsure, a person wrote it,
because a person's message taken for a robot is never counted as waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from klient.mail import auto_rules as rules
from klient.mail.parsing import ParsedMail

__all__ = ["Classification", "WordingScore", "classify", "score_wording"]

# The customer's own words are at the top; a notice that says what it is says it early.
BODY_WINDOW = 800


@dataclass(frozen=True)
class Classification:
    auto_reply: bool
    bounce: bool
    bulk: bool
    reasons: tuple[str, ...]
    # How automatic it reads, 0..1 (1.0 when a header or delivery report decided), and the
    # codes of the signals that made the score (auto_rules; the timeline translates them).
    auto_score: float = 0.0
    auto_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class WordingScore:
    score: float  # clamped to 0..1
    codes: tuple[str, ...]  # signals that matched, in rule order (negative ones too)

    @property
    def automatic(self) -> bool:
        return self.score >= rules.THRESHOLD


_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)(?:@|$)", re.I)
# A sender that says it takes no replies: people do not write from such addresses, but
# neither do they decide alone (a shop's newsletter is bulk, not an auto-reply).
_NO_REPLY_SENDER = re.compile(
    r"^(?:no-?reply|do-?not-?reply|ne-?pas-?repondre|nie-?odpowiadaj|keine-?antwort"
    r"|ne-?vidpovidai?te)[@.+_-]",
    re.I,
)
_BOUNCE_WORDING = re.compile(
    r"undeliver|undelivered|delivery\s+(?:status\s+notification|failed|failure|has\s+failed)"
    r"|returned\s+mail|mail\s+delivery|could\s+not\s+be\s+delivered|failure\s+notice"
    r"|non\s+remis|non\s+distribuable|échec\s+de\s+(?:la\s+)?remise"
    r"|niedostarczon|nie\s+(?:można|mo[zż]na)\s+dostarczy[cć]"
    r"|unzustellbar|nicht\s+zugestellt|zustellung\s+fehlgeschlagen"
    r"|не\s+доставлено|не\s+вдалося\s+доставити",
    re.IGNORECASE,
)


def classify(parsed: ParsedMail) -> Classification:
    """Classify by headers, delivery reports and (for auto-replies) wording."""
    headers = parsed.headers
    reasons: list[str] = []
    hints: list[str] = []  # weak auto-reply signals: they add to the wording score

    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    auto_reply = False
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        auto_reply = True
        reasons.append(f"Auto-Submitted: {auto_submitted[:40]}")
    for name in ("x-autoreply", "x-autorespond"):
        value = headers.get(name, "").strip()
        if value and value.lower() not in ("no", "false", "0"):
            auto_reply = True
            reasons.append(f"{_title(name)}: {value[:40]}")
    precedence = headers.get("precedence", "").strip().lower()
    if precedence == "auto_reply":
        auto_reply = True
        reasons.append("Precedence: auto_reply")
    suppress = headers.get("x-auto-response-suppress", "").strip()
    if re.search(r"\b(?:oof|all)\b", suppress, re.IGNORECASE):
        hints.append(f"X-Auto-Response-Suppress: {suppress[:40]}")
    if headers.get("return-path", "").strip() == "<>":
        hints.append("Return-Path: <>")
    if _NO_REPLY_SENDER.match(parsed.from_address):
        hints.append(f"from {parsed.from_address[:60]}")
    bounce = False
    if parsed.report is not None:
        bounce = True
        reasons.append(
            f"delivery report: {parsed.report.action or 'unknown'} {parsed.report.status}"
        )
    failed = headers.get("x-failed-recipients", "").strip()
    if failed:
        bounce = True
        reasons.append(f"X-Failed-Recipients: {failed[:60]}")
    if (
        not bounce
        and _BOUNCE_SENDER.match(parsed.from_address)
        and (_BOUNCE_WORDING.search(parsed.subject) or _BOUNCE_WORDING.search(parsed.text[:1000]))
    ):
        bounce = True
        reasons.append(f"from {parsed.from_address} with delivery-failure wording")

    wording = score_wording(parsed.subject, parsed.text, header_hint=bool(hints))
    auto_score, auto_reasons = wording.score, wording.codes
    if bounce:  # a bounce is not also an auto-reply to answer or count
        auto_reply = False
        auto_score, auto_reasons = 1.0, ("delivery_report", *wording.codes)
    elif auto_reply:
        auto_score, auto_reasons = 1.0, ("header", *wording.codes)
    elif wording.automatic:
        # A delivery failure written as text, without a report or a mailer-daemon sender,
        # is still a bounce; any other automatic wording is an auto-reply.
        bounce = "delivery_failure" in wording.codes
        auto_reply = not bounce
        reasons.append(f"wording scores {wording.score:.2f}: " + ", ".join(wording.codes))
        reasons.extend(hints)

    bulk = False
    if precedence in ("bulk", "list", "junk"):
        bulk = True
        reasons.append(f"Precedence: {precedence}")
    for name in ("list-id", "list-unsubscribe"):
        value = headers.get(name, "").strip()
        if value:
            bulk = True
            reasons.append(f"{_title(name)}: {value[:60]}")

    return Classification(
        auto_reply=auto_reply,
        bounce=bounce,
        bulk=bulk,
        reasons=tuple(reasons),
        auto_score=auto_score,
        auto_reasons=auto_reasons,
    )


_REPLY_PREFIXES = ("re", "aw", "odp", "odp.", "réf", "ref", "отв", "відп", "sv", "antw")
_PREFIX_ENDS = ("", ":", " :", "/", " /", " -", " –", "[")


def score_wording(subject: str, text: str, *, header_hint: bool = False) -> WordingScore:
    """How automatic a subject and body read, without headers; pure and fast (substring
    tests, no regular expressions: ~150 phrases on 800 characters)."""
    codes: list[str] = []
    score = 0.0
    replying, forwarding, rest = _strip_prefixes(_plain(subject))
    if forwarding:
        codes.append(rules.FORWARD_CODE)
        score += rules.FORWARD_WEIGHT
    elif replying and _starts_with_notice(rest):
        # "Re: Automatic reply: …" is a person answering a notice: auto-responders do not
        # answer auto-replies (RFC 3834), and notices put their own words first.
        codes.append(rules.ANSWERS_NOTICE_CODE)
        score += rules.ANSWERS_NOTICE_WEIGHT
    elif not replying and (
        # "Re: Undeliverable" is a person answering a notice; notices put their own words
        # first ("Automatic reply: Re: Order").
        _starts_with_notice(rest) or any(phrase in rest for phrase in rules.SUBJECT_RECEIPT)
    ):
        codes.append(rules.SUBJECT_CODE)
        score += rules.SUBJECT_WEIGHT
    lowered = text[: BODY_WINDOW + 400].lower()
    desk_line = _reply_line(lowered)
    if desk_line >= 0 and not lowered[:desk_line].strip():
        # The notification itself starts with the desk's line: its words follow it.
        codes.append(rules.REPLY_LINE_CODE)
        score += rules.REPLY_LINE_WEIGHT
        end = lowered.find("\n", desk_line)
        lowered = lowered[end:] if end >= 0 else ""
        desk_line = _reply_line(lowered)
    cut = _quote_start(lowered)
    if desk_line >= 0 and (cut < 0 or desk_line < cut):
        cut = desk_line  # a reply typed above the desk's line: the notification is quoted
    own = _plain(lowered if cut < 0 else lowered[:cut])[:BODY_WINDOW]
    matched: set[int] = set()
    words = {word.strip(_PUNCTUATION) for word in own.split()}
    for word in words:
        for index, phrase in _ANCHORS.get(word, ()):
            if index not in matched and _found(phrase, own):
                matched.add(index)
    _search_patterns(own, {word[:3] for word in words} & _KEYS, matched)
    if not replying and not forwarding and _TICKET_SUBJECT.match(rest):
        matched.add(_CASE_NUMBER)
    matched_request = _REQUEST in matched
    customer_voice = _CUSTOMER_VOICE in matched
    matched -= {_REQUEST, _CUSTOMER_VOICE}
    for index in sorted(matched):
        codes.append(rules.SIGNALS[index].code)
        score += rules.SIGNALS[index].weight
    if header_hint:
        codes.append(rules.HEADER_HINT_CODE)
        score += rules.HEADER_HINT_WEIGHT
    # One notion alone is what a person also writes ("our office is closed for half-term"):
    # it takes a second signal, or one strong enough on its own, to decide.
    alone = len(codes) == 1 and score < rules.THRESHOLD
    if _asks(own) or matched_request:
        codes.append(rules.QUESTION_CODE)
        score += rules.QUESTION_WEIGHT
    elif score > 0 and not alone:  # silence adds only to what already reads automatic
        codes.append(rules.NO_QUESTION_CODE)
        score += rules.NO_QUESTION_WEIGHT
    if customer_voice and rules.SUBJECT_CODE not in codes:
        # Under a notice's own subject the customer's words are often echoed back.
        codes.append(rules.CUSTOMER_VOICE_CODE)
        score += rules.CUSTOMER_VOICE_WEIGHT
    if cut >= 0:
        codes.append(rules.QUOTED_CODE)
        score += rules.QUOTED_WEIGHT
    return WordingScore(round(min(1.0, max(0.0, score)), 3), tuple(codes))


# Stripped from the ends of words (apostrophes and hyphens inside stay: "n'a", "e-mails").
_PUNCTUATION = ".,;:!?()[]\"'«»„“”<>*#/"


def _anchor(phrase: str) -> str:
    """The word a text must contain for the phrase to be worth a substring test: the longest
    word but the last (the last may be cut short, as in "nieobecn"), before any " … "."""
    words = [word.strip(_PUNCTUATION) for word in phrase.partition(" … ")[0].split()]
    return max(words[:-1] or words, key=len)


# Word -> (signal index, phrase): the text's words are looked up once each instead of ~250
# substring tests per message (115 µs -> a few µs on the labelled set).
_ANCHORS: dict[str, list[tuple[int, str]]] = {}
_CONTRACTIONS = (
    ("i am", "i'm"), ("will not", "won't"), ("is not", "isn't"), ("we are", "we're"),
    ("i will", "i'll"), ("do not", "don't"), ("cannot", "can't"), ("have not", "haven't"),
)  # fmt: skip


def _variants(phrase: str) -> set[str]:
    """The phrase with English contractions made and unmade, so a list needs only one form."""
    forms = {phrase}
    for full, short in _CONTRACTIONS:
        forms |= {form.replace(full, short) for form in forms}
        forms |= {form.replace(short, full) for form in forms}
    return forms


for _index, _signal in enumerate(rules.SIGNALS):
    for _phrase in _signal.phrases:
        for _form in _variants(_phrase):
            _ANCHORS.setdefault(_anchor(_form), []).append((_index, _form))


_CODES = [signal.code for signal in rules.SIGNALS]


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression."""
    parts, depth, start, escaped = [], 0, 0, False
    for at, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:at])
            start = at + 1
    return [*parts, pattern[start:]]


def _keys(pattern: str) -> frozenset[str] | None:
    """What a text's words must start with (their first three letters, or the whole of a
    shorter word) for the pattern to be worth a search: the longest word of each
    alternative's leading literal, or of the leading literals of the group it starts with.
    None when an alternative starts with neither (the pattern is then always searched)."""
    keys: set[str] = set()
    for alternative in _alternatives(pattern):
        alternative = alternative.removeprefix("\\b")
        if alternative.startswith("(?:"):
            end = _group_end(alternative)
            inner = _keys(alternative[3:end])
            if inner is None or alternative[end + 1 : end + 2] in ("?", "*", "{"):
                return None
            keys |= inner
            continue
        head = _LITERAL.match(alternative).group()  # type: ignore[union-attr]
        rest = alternative[len(head) :]
        if rest[:1] in ("?", "*", "{"):
            head = head[:-1]  # its last letter is optional
        word = max(head.split(" "), key=len)  # the longest is the rarest in a text
        if len(word) >= 3:
            keys.add(word[:3])
        elif word:
            keys.add(word)  # a whole short word: "i", "je", "я", "do"
        else:
            return None
    return frozenset(keys)


def _group_end(pattern: str) -> int:
    """Where the group that opens the pattern closes."""
    depth, escaped = 0, False
    for at, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return at
    return len(pattern)


# Patterns are searched one alternative at a time, and only the alternatives whose leading
# literal a word of the text starts with: a search that starts with a literal runs at C
# speed, while one alternation of stems (or a leading \\b) is tried at every position
# (~60 µs a message for the 13 families against ~5 µs this way).
_BY_KEY: dict[str, list[tuple[int, re.Pattern[str]]]] = {}


def _expanded(alternative: str) -> list[str]:
    """The alternative with its groups spread out ("(?:a|b) c" -> "a c", "b c") while its
    leading literal has no word of five letters, so that each search starts with a literal
    and is keyed by a rare word ("nie (?:można|udało się) dostarczyć" is keyed by "dos")."""
    alternative = alternative.removeprefix("\\b")
    head = _LITERAL.match(alternative).group()  # type: ignore[union-attr]
    rest = alternative[len(head) :]
    if not rest.startswith("(?:") or max(map(len, head.split(" "))) >= 5:
        return [alternative]
    end = _group_end(rest)
    after = rest[end + 1 :]
    if after[:1] in ("?", "*", "{"):
        return [alternative]
    return [
        form for inner in _alternatives(rest[3:end]) for form in _expanded(head + inner + after)
    ]


_LITERAL = re.compile(r"[^\\()\[\]{}?*+.|^$]*")
_REQUEST = -1  # the index requests are registered under: they count as a question
_CUSTOMER_VOICE = -2  # and a customer's own case, which counts against
for _index, _pattern in [
    *((_CODES.index(code), pattern) for code, pattern in rules.PATTERNS),
    (_REQUEST, rules.REQUESTS),
    (_CUSTOMER_VOICE, rules.CUSTOMER_VOICE),
]:
    for _alternative in _alternatives(_pattern):
        for _form in _expanded(_alternative):
            _form_keys = _keys(_form)
            assert _form_keys is not None, f"{_form} starts with no literal"
            _compiled = re.compile(_form)
            for _key in _form_keys:
                _BY_KEY.setdefault(_key, []).append((_index, _compiled))
_KEYS = frozenset(_BY_KEY)


def _search_patterns(own: str, keys: set[str], matched: set[int]) -> None:
    """Add to matched the signals whose patterns are found at a word start in the text."""
    tried: set[int] = set()
    for key in keys:
        for index, pattern in _BY_KEY[key]:
            if index in matched or id(pattern) in tried:
                continue
            tried.add(id(pattern))
            found = pattern.search(own)
            while found and found.start() and own[found.start() - 1].isalnum():
                found = pattern.search(own, found.start() + 1)
            if found:
                matched.add(index)


_CASE_NUMBER = _CODES.index("case_number")
_TICKET_SUBJECT = re.compile(rules.TICKET_SUBJECT)


def _found(phrase: str, text: str) -> bool:
    first, gap, second = phrase.partition(" … ")
    if not gap:
        return phrase in text
    start = text.find(first)
    return start >= 0 and second in text[start + len(first) : start + len(first) + rules.GAP]


def _asks(text: str) -> bool:
    """A question to the company: a "?" closing a sentence of three words or more ("Urgent?
    Call the office" in a notice is not one)."""
    end = text.find("?")
    while end >= 0:
        sentence = text[:end]
        start = max(sentence.rfind(mark) for mark in ".!?:;")
        if len(sentence[start + 1 :].split()) >= 3:
            return True
        end = text.find("?", end + 1)
    return False


def _quote_start(lowered: str) -> int:
    """Where quoted or forwarded history starts in the lower-cased text, or -1."""
    starts = [lowered.find("\n>")] if lowered.startswith(">") is False else [0]
    for trigger, markers in rules.QUOTE_MARKERS:
        if trigger in lowered:
            starts.extend(lowered.find(marker) for marker in markers)
    return min((start for start in starts if start >= 0), default=-1)


def _reply_line(lowered: str) -> int:
    """Where the line with a help desk's "reply above this line" marker starts, or -1."""
    found = [at for marker in rules.REPLY_LINE_MARKERS if (at := lowered.find(marker)) >= 0]
    if not found:
        return -1
    return lowered.rfind("\n", 0, min(found)) + 1


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _strip_prefixes(subject: str) -> tuple[bool, bool, str]:
    """(a reply prefix seen, a forward prefix seen, the subject after the prefixes)."""
    replying = forwarding = False
    while True:
        head, colon, tail = subject.partition(":")
        word = head.strip()
        if not colon or len(word) > 7:
            return replying, forwarding, subject
        if word in _REPLY_PREFIXES:
            replying = True
        elif word in rules.FORWARD_PREFIXES:
            forwarding = True
        else:
            return replying, forwarding, subject
        subject = tail.strip()


def _starts_with_notice(subject: str) -> bool:
    if not subject.startswith(rules.SUBJECT_PREFIXES):  # one C-speed test for most subjects
        return False
    for prefix in rules.SUBJECT_PREFIXES:
        if subject.startswith(prefix):
            after = subject[len(prefix) :]
            if any(after.startswith(end) for end in _PREFIX_ENDS if end) or not after:
                return True
    return False


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-")).replace("Id", "ID")
