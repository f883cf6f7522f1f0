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


# Conditions per statement: SQLite parses "a OR b OR …" as a tree at most 1000 deep.
CHUNK = 100


def candidates(
    model: Any, where: Any, found: frozenset[str], *, text: list[str], json: list[str]
) -> set[int]:
    """The ids of `model`'s rows matching `where` whose text fields or JSON fields (as
    text) contain one of `found`, case-insensitively: a superset of those scrub changes.
    One statement per CHUNK conditions."""
    annotations = {f"_{name}_text": Cast(name, TextField()) for name in json}
    conditions = []
    for needle in sorted(found):
        conditions += [Q(**{f"{name}__icontains": needle}) for name in text]
        for name in json:
            forms = {needle, as_json_text(needle)}
            conditions += [Q(**{f"_{name}_text__icontains": v}) for v in sorted(forms)]
    ids: set[int] = set()
    for start in range(0, len(conditions), CHUNK):
        chunk = reduce(or_, conditions[start : start + CHUNK])
        rows = model.objects.filter(where).annotate(**annotations).filter(chunk)
        ids.update(rows.values_list("pk", flat=True))
    return ids
