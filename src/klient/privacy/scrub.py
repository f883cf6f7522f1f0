"""Taking erased values out of free text and JSON that only quote them (pure Python).

Events, notifications and agents' questions about a conversation may quote what a
customer is erased for: their name, an address, a subject, a line of what they wrote.
Those rows stay (the audit log, the bell), so every string in them that contains one of
the erased values (case-insensitively) is emptied; numbers, booleans and the keys stay, so
the wording and the figures read from them keep working."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Shorter values would empty unrelated text ("Jo" is in "John's order" and in "major").
SHORTEST_NEEDLE = 4
# A line of a message shorter than this is too common to say it quotes the customer.
SHORTEST_LINE = 16


def needles(values: Iterable[str]) -> frozenset[str]:
    """The erased values worth looking for, case-folded ("Straße" finds "STRASSE")."""
    return frozenset(
        v.strip().casefold() for v in values if v and len(v.strip()) >= SHORTEST_NEEDLE
    )


def text_lines(text: str) -> list[str]:
    """The lines of a message that would identify it if quoted elsewhere."""
    return [line.strip() for line in text.splitlines() if len(line.strip()) >= SHORTEST_LINE]


def quotes(text: str, found: frozenset[str]) -> bool:
    folded = text.casefold()
    return any(needle in folded for needle in found)


def scrub(value: Any, found: frozenset[str]) -> Any:
    """`value` with every string that quotes one of `found` emptied, recursively through
    lists and dicts (their keys kept)."""
    if isinstance(value, str):
        return "" if quotes(value, found) else value
    if isinstance(value, list):
        return [scrub(item, found) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, found) for key, item in value.items()}
    return value
