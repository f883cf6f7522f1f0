"""Language of a message among the languages Klient serves (no Django).

lingua restricted to five languages, in low-accuracy mode (trigram models only), built once on
first use, with a minimum relative distance so that short or ambiguous text answers "" rather
than a guess. lingua costs ~1 µs a character, more than the rest of the pipeline together, so:

- only the first ~200 characters (URLs and addresses removed) are given to it;
- text whose letters settle the question is answered without it: Cyrillic with Ukrainian-only
  letters (і ї є ґ) is "uk", with Russian-only letters "" (not served); Polish (ą ę ł ś ź ż ...),
  German (ä ö ü ß) or French (é è à ç ...) letters at a typical density, with none of the other
  two sets, give that language;
- letters all ASCII with English function words at a typical density and none of the other
  languages' own words (je, und, nie, ...) are English. What is left goes to lingua.

Figures: docs/decisions/0002-mail-parsing.md.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

__all__ = ["LANGUAGES", "MIN_RELATIVE_DISTANCE", "detect_language"]

LANGUAGES = ("en", "fr", "pl", "de", "uk")
MIN_RELATIVE_DISTANCE = 0.1
MAX_CHARS = 200  # given to lingua
MAX_INPUT_CHARS = 600  # looked at by the letter rules
MIN_LETTERS = 12  # fewer letters than this is never enough evidence

_LINGUA = {
    Language.ENGLISH: "en",
    Language.FRENCH: "fr",
    Language.POLISH: "pl",
    Language.GERMAN: "de",
    Language.UKRAINIAN: "uk",
}
_URL_OR_ADDRESS = re.compile(r"(?<!\S)\S*?(?:://|@|www\.)\S*")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
# Letters that, among our five languages, only one uses; and the minimum share of all letters
# they must reach (typical texts: Polish ~1/12, French ~1/30, German ~1/50).
_MARKERS = (
    ("pl", re.compile("[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]"), 30),
    ("de", re.compile("[äöüßÄÖÜẞ]"), 80),
    ("fr", re.compile("[éèêëàâçîïôûùœÉÈÊËÀÂÇÎÏÔÛÙŒ]"), 40),
)


# Plain-ASCII text (most English mail) used to go to lingua. English mail is full of function
# words no other of our languages writes (even typed without diacritics), so enough of them,
# and none of the other languages' own, settle it without lingua, which costs ~200 µs here.
_WORDS = re.compile(r"[a-z']+")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")  # curly quotes and dashes are no letters
_ENGLISH = (
    "the and you your are is have has for with this that not please thanks thank would "
    "could can it of be from hi hello dear regards we our but if any what when there been "
    "did does still just about got yet after before should which they their them was were"
)
# French, German, Polish (as typed without diacritics): words English never uses.
_OTHERS = (
    "je vous nous est les des une pour pas merci bonjour avec votre que qui dans sur ai "
    "suis mais tres der das und ich sie nicht ist mit ein eine bitte danke mein meine ihr "
    "ihre auf den dem wir hallo guten habe noch aber wie nie jest ze dzien dobry prosze "
    "mam czy jak dziekuje pozdrawiam juz jestem bardzo moje mnie tak"
)
_ENGLISH_WORDS = frozenset(_ENGLISH.split())
_OTHER_WORDS = frozenset(_OTHERS.split())
MIN_ENGLISH_WORDS = 4
_ENGLISH_SHARE = 4  # at least one word in this many is an English function word


def _plainly_english(sample: str) -> bool:
    words = _WORDS.findall(sample.lower())
    english = 0
    for word in words:
        if word in _OTHER_WORDS:
            return False
        english += word in _ENGLISH_WORDS
    return english >= MIN_ENGLISH_WORDS and english * _ENGLISH_SHARE >= len(words)


@cache
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*_LINGUA)
        .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
        .with_low_accuracy_mode()
        .build()
    )


def detect_language(text: str) -> str:
    """Return "en", "fr", "pl", "de" or "uk", or "" when the text is too short or ambiguous."""
    if not text:
        return ""
    sample = text[:MAX_INPUT_CHARS]
    if "@" in sample or "://" in sample or "www." in sample:
        sample = _URL_OR_ADDRESS.sub(" ", sample)
    letters = len(_NON_LETTERS.sub("", sample))
    if letters < MIN_LETTERS:
        return ""
    if len(_CYRILLIC.findall(sample)) * 2 > letters:
        ukrainian = _UKRAINIAN_ONLY.search(sample) is not None
        russian = _RUSSIAN_ONLY.search(sample) is not None
        if ukrainian != russian:
            return "uk" if ukrainian else ""
    else:
        counts = [(code, len(marker.findall(sample)), share) for code, marker, share in _MARKERS]
        present = [(code, n, share) for code, n, share in counts if n]
        if len(present) == 1:
            code, n, share = present[0]
            if n >= 3 and n * share >= letters:
                return code
        elif (
            not present
            and _NON_ASCII_LETTER.search(sample) is None
            and _plainly_english(sample[:MAX_CHARS])
        ):
            return "en"
    if len(sample) > MAX_CHARS:
        cut = sample.rfind(" ", MAX_CHARS - 40, MAX_CHARS)
        sample = sample[: cut if cut > 0 else MAX_CHARS]
    found = _detector().detect_language_of(sample)
    return _LINGUA.get(found, "") if found is not None else ""
