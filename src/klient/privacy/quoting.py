"""Finding the rows that may quote erased values, in SQL, before klient.privacy.scrub
empties the quoting strings in Python."""

from __future__ import annotations

import json
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast


def as_json_text(value: str) -> str:
    """How a string is written inside stored JSON text (SQLite keeps "ń" as "\\u0144")."""
    return json.dumps(value)[1:-1]


def candidates(queryset: Any, found: frozenset[str], *, text: list[str], json: list[str]) -> Any:
    """The rows of `queryset` whose text fields or JSON fields (as text) contain one of
    `found`, case-insensitively: a superset of those scrub changes."""
    if not found:
        return queryset.none()
    annotations = {f"_{name}_text": Cast(name, TextField()) for name in json}
    wheres = []
    for needle in found:
        wheres += [Q(**{f"{name}__icontains": needle}) for name in text]
        for name in json:
            wheres += [Q(**{f"_{name}_text__icontains": v}) for v in {needle, as_json_text(needle)}]
    return queryset.annotate(**annotations).filter(reduce(or_, wheres))
