"""Looking for a person's values everywhere Klient keeps anything: every column of every
table of the database (raw SQL, so tables no model describes, such as the search index,
count too) and every file under the data directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection


def _forms(values: list[str]) -> list[str]:
    """Each value as written in plain text and inside JSON text (SQLite: "ń" as \\u0144)."""
    forms = set()
    for value in values:
        forms.add(value.lower())
        forms.add(json.dumps(value)[1:-1].lower())
    return sorted(forms)


def database_hits(values: list[str]) -> list[str]:
    """ "table.column" for every cell that contains one of the values (case-insensitively)."""
    forms = _forms(values)
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, cell in zip(columns, row, strict=True):
                    if cell is None:
                        continue
                    text = (
                        bytes(cell).decode("utf-8", "backslashreplace")
                        if isinstance(cell, bytes | memoryview)
                        else str(cell)
                    ).lower()
                    hits += [f"{table}.{column}" for form in forms if form in text]
    return sorted(set(hits))


def file_hits(values: list[str]) -> list[str]:
    """Every file under the data directory that contains one of the values, as UTF-8."""
    needles = [form.encode() for value in values for form in {value, value.lower()}]
    hits = []
    for root, _dirs, names in os.walk(settings.DATA_DIR):
        for name in names:
            path = Path(root) / name
            try:
                data = path.read_bytes().lower()
            except OSError:
                continue
            if any(needle.lower() in data for needle in needles):
                hits.append(str(path.relative_to(settings.DATA_DIR)))
    return sorted(hits)
