"""Texts Klient writes to agents, kept as a kind and its parameters and worded when read.

A notification (or a note Klient adds) is read by people who speak different languages,
later than it was written, and sometimes by email. So the writer stores what happened —
`kind` and JSON `params` (names, references, numbers, codes; never a translated phrase) —
and the reader's page or email words it under `translation.override(reader_language)`
(klient.people.languages). Each domain keeps its wordings in `<app>/texts.py` (TEXTS:
kind -> function(params) -> str), listed in core.wiring.TEXT_TABLES.

A row written before this (params None), or whose wording is gone or cannot read its
parameters, shows the text stored with it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from . import wiring

logger = logging.getLogger(__name__)

Wording = Callable[[Mapping[str, Any]], str]


@cache
def wordings() -> dict[str, Wording]:
    """Every domain's wordings, by kind (resolved on first use: the tables import gettext
    only, but an import at start-up could run before the apps are loaded)."""
    return wiring.collect_texts(wiring.TEXT_TABLES)


def word(kind: str, params: Mapping[str, Any] | None, *, fallback: str = "") -> str:
    """The text of `kind` with `params`, in the active language; `fallback` when there is
    nothing to word it with."""
    if params is None:
        return fallback
    wording = wordings().get(kind)
    if wording is None:
        return fallback
    try:
        return str(wording(params))
    except (KeyError, TypeError, ValueError):
        logger.warning("cannot word a %r text from %r", kind, sorted(params))
        return fallback
