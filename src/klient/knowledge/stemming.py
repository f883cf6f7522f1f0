"""Language-aware word stems for matching suggestions: case- and accent-insensitive,
stop words out, inflection cut off. Crude on purpose (no dictionaries at run time), but
the same function indexes articles and reads queries, so "faktury", "fakturę" and
"Faktura" all meet at "faktur"."""

from __future__ import annotations

import re
import unicodedata

STEM_LENGTH = 6
MIN_LENGTH = 3

_WORD = re.compile(r"\w+", re.UNICODE)

# Short, frequent words that say nothing about the topic (after folding accents).
_STOP = {
    "en": "the and for you your with this that have has are was not but can will from "
    "please thanks thank hello regards dear would could about what when where which",
    "fr": "les des une est pour que qui dans avec vous votre nous mais pas sur par "
    "bonjour merci cordialement madame monsieur cette sont etre avoir",
    "pl": "jest nie sie dla oraz czy jak ale ten tak juz mam moje moja pan pani panie "
    "dzien dobry prosze dziekuje pozdrawiam witam bardzo tylko przez jeszcze",
    "de": "der die das und ist nicht ein eine einen mit fur sie ich wir bitte danke "
    "guten tag hallo freundlichen grussen sehr geehrte geehrter auch noch oder",
    "uk": "добрии день будь ласка дякую для мене мою моя але так вже яка якии щоб",
}
STOP_WORDS = {lang: set(words.split()) for lang, words in _STOP.items()}


def fold(word: str) -> str:
    """Lower-cased, accents removed (ą→a, é→e, ü→u); Cyrillic letters keep their base."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def stems(text: str, language: str) -> list[str]:
    """The distinct stems of `text`, in order of first appearance."""
    stop = STOP_WORDS.get(language, set())
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if len(word) < MIN_LENGTH or word in stop or word.isdigit():
            continue
        seen.setdefault(word[:STEM_LENGTH], None)
    return list(seen)
