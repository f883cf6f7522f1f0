"""SQL expressions the reports need on both databases: seconds between two moments, and
the continuous percentile (PostgreSQL's `percentile_cont`, linear interpolation between
the two nearest values; on SQLite the same definition as an aggregate registered on the
connection, since SQLite has no percentile of its own)."""

from __future__ import annotations

import math
from typing import Any

from django.db import NotSupportedError
from django.db.models import Aggregate, FloatField, Func

SQLITE_PERCENTILE = "klient_percentile_cont"


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The value below which `fraction` of `values` lie, interpolated linearly between the
    nearest ranks, exactly as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _SqlitePercentile:
    """SQLite aggregate: klient_percentile_cont(value, fraction); NULL values are skipped."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = float(fraction)
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


def _register_sqlite(connection: Any) -> None:
    connection.ensure_connection()
    connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, _SqlitePercentile)


class Percentile(Aggregate):
    """percentile_cont(fraction) of an expression over each group; NULLs are ignored."""

    name = "Percentile"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile fraction is between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        raise NotSupportedError(f"no percentile on {connection.vendor}")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY {sql})", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        _register_sqlite(connection)
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"{SQLITE_PERCENTILE}({sql}, {self.fraction!r})", params


class SecondsBetween(Func):
    """end - start in seconds (a float; NULL when either is NULL)."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        raise NotSupportedError(f"no interval arithmetic on {connection.vendor}")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        return f"EXTRACT(EPOCH FROM ({end[0]} - {start[0]}))::float", [*end[1], *start[1]]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        return (
            f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)",
            [*end[1], *start[1]],
        )
