"""The tone guard as the desk uses it: the shipped rules of a language with the
administrators' own (klient.tone.models.ToneRule), the language detected when not given.

Administrators' rules are read once per language and kept until one changes (actions call
`forget_rules` on commit; other processes notice by the rules' version, one cheap query a
check), so a new rule is effective at once everywhere."""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, Max

from klient.mail.language import detect_language

from . import matcher
from .matcher import Finding, Rule, Rulebook, phrase_pattern
from .rulebook import LANGUAGES, rulebook

_lock = threading.Lock()
_books: dict[str, tuple[Any, Rulebook]] = {}


def forget_rules() -> None:
    with _lock:
        _books.clear()


def _version() -> tuple[Any, ...]:
    from .models import ToneRule

    row = ToneRule.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    return (row["n"], row["last"], row["top"])


def admin_rules(language: str) -> list[Rule]:
    from .models import ToneRule

    return [
        Rule(
            id=row.rule_id,
            category=row.category,
            patterns=(phrase_pattern(row.phrase),),
            reason=row.reason,
            suggestion=row.suggestion,
        )
        for row in ToneRule.objects.filter(language=language, active=True).order_by("pk")
    ]


def book_for(language: str) -> Rulebook:
    version = _version()
    with _lock:
        cached = _books.get(language)
    if cached is not None and cached[0] == version:
        return cached[1]
    book = rulebook(language, admin_rules(language))
    with _lock:
        _books[language] = (version, book)
    return book


def language_of(text: str, language: str | None = None) -> str:
    """`language` when it is one of the five, else the detected one ("" when unsure)."""
    if language in LANGUAGES:
        return str(language)
    return detect_language(text)


def check(text: str, language: str | None = None) -> tuple[str, list[Finding]]:
    """The language the text was checked in and the findings ("" and none when the
    language is unknown: rules of another language would only guess)."""
    language = language_of(text, language)
    if not language:
        return "", []
    return language, matcher.find(text, book_for(language))
