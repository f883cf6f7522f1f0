"""The tone rules that ship with Klient (no Django): src/klient/tone/rules/<language>.toml.

A file holds `[[rule]]` tables: id, category, patterns (regular expressions; a space matches
any white space), reason and suggestion (in the file's language: the agent writing in that
language reads them), and optionally unless, not_after (see klient.tone.matcher), examples
(sentences the rule must flag) and passes (near misses it must not). `%name%` in a pattern is
replaced by the file's `[words]` entry `name`, so alternations written once are shared."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .matcher import Rule, Rulebook

__all__ = ["LANGUAGES", "RULES_DIR", "load_rules", "rulebook"]

LANGUAGES = ("en", "fr", "pl", "de", "uk")
RULES_DIR = Path(__file__).with_name("rules")
_WORD = re.compile(r"%(\w+)%")


def _expand(pattern: str, words: dict[str, str], rule_id: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in words:
            raise ValueError(f"rule {rule_id}: no [words] entry {name!r}")
        return f"(?:{words[name]})"

    return _WORD.sub(one, pattern)


def _strings(table: dict[str, object], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a string or a list of strings")
    return tuple(str(item) for item in value)


@cache
def load_rules(language: str) -> tuple[Rule, ...]:
    """The shipped rules of `language` ("" or unknown: none)."""
    path = RULES_DIR / f"{language}.toml"
    if language not in LANGUAGES or not path.exists():
        return ()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    words = {str(k): str(v) for k, v in data.get("words", {}).items()}
    rules = []
    for table in data.get("rule", []):
        rule_id = str(table["id"])

        def expanded(
            key: str, table: dict[str, object] = table, rule_id: str = rule_id
        ) -> tuple[str, ...]:
            return tuple(_expand(p, words, rule_id) for p in _strings(table, key))

        rules.append(
            Rule(
                id=rule_id,
                category=str(table["category"]),
                patterns=expanded("patterns"),
                reason=str(table["reason"]),
                suggestion=str(table["suggestion"]),
                unless=expanded("unless"),
                not_after=expanded("not_after"),
                examples=_strings(table, "examples"),
                passes=_strings(table, "passes"),
            )
        )
    return tuple(rules)


@cache
def _shipped(language: str) -> Rulebook:
    return Rulebook(language, load_rules(language))


def rulebook(language: str, extra: Sequence[Rule] = ()) -> Rulebook:
    """The shipped rules of `language`, with `extra` ones (administrators') after them."""
    if not extra:
        return _shipped(language)
    return Rulebook(language, (*load_rules(language), *extra))
