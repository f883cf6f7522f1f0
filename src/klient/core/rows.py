"""Reading model rows on hot paths by SQL written once, without the ORM's per-call compiler.

A queryset is compiled to SQL anew on every call: 0.4-0.6 ms of Python for a primary-key
get with one join, 1.9 ms for a UNION of two joins, against 30-70 µs for SQLite to answer
them. Thread matching runs such lookups for nearly every inbound message, which made them
the largest cost of an import (docs/performance.md, "Ingest after issue 13").

`Columns` gives a model's select list (from its metadata only) and turns the selected
values into an instance exactly as the ORM would: every column through the same backend
and field converters (SQLite's datetime strings and 0/1 booleans), then `Model.from_db`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


class Columns(Generic[M]):
    """All concrete columns of `model` under the SQL alias `alias`, in field order."""

    def __init__(self, model: type[M], alias: str) -> None:
        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.model = model
        self.width = len(fields)
        self.sql = ", ".join(f"{qn(alias)}.{qn(str(f.column))}" for f in fields)
        self._attnames = [f.attname for f in fields]
        self._converters = []
        for at, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self._converters.append((at, found, column))

    def position(self, attname: str) -> int:
        """The column's 1-based position in the select list (for a compound ORDER BY)."""
        return self._attnames.index(attname) + 1

    def load(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance whose columns start at `start` in `row`."""
        values = list(row[start : start + self.width])
        for at, converters, column in self._converters:
            value = values[at]
            for convert in converters:
                value = convert(value, column, connection)
            values[at] = value
        return self.model.from_db(connection.alias, self._attnames, values)


@cache
def columns(model: type[M], alias: str) -> Columns[M]:
    """Built once per model and alias (the app registry must be ready)."""
    return Columns(model, alias)


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
