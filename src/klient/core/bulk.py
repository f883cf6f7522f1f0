"""Multi-row INSERTs for hot paths (receiving mail, events), without Django's per-value
compilation.

`bulk_create` runs every value of every row through the SQL compiler (pre_save, prepare,
get_db_prep_save, placeholder): for a batch of received mail that cost more than the
database's own work. Here each column gets its converter once per batch: plain values
(text, numbers, booleans, foreign-key ids) go to the driver as they are; anything else
(datetimes, JSON, auto_now fields) still goes through the field's own get_db_prep_save,
so what is written is exactly what `bulk_create` would write.

SQL is built from model metadata only (table and column names); every value is a query
parameter."""

# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

# Values of these field types reach the database unchanged (Django's get_db_prep_save
# returns them as they are on SQLite and PostgreSQL).
_PLAIN_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "EmailField",
        "SlugField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
    }
)

Converter = Callable[[models.Model], Any]


def _converter(field: models.Field) -> Converter:
    attname = field.attname
    if isinstance(field, models.ForeignKey):
        relation = field

        def related_id(obj: models.Model) -> Any:
            value = obj.__dict__.get(attname)
            if value is None and relation.is_cached(obj):
                # Assigned before the related object had its id (as bulk_create allows).
                related = relation.get_cached_value(obj)
                if related is not None:
                    value = related.pk
                    setattr(obj, attname, value)
            return value

        return related_id
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return lambda obj: obj.__dict__[attname]
    if kind == "JSONField":
        encoder = field.encoder  # type: ignore[attr-defined]
        adapt_json = connection.ops.adapt_json_value

        def json_value(obj: models.Model) -> Any:
            value = obj.__dict__[attname]
            if isinstance(value, dict | list | str):
                return adapt_json(value, encoder)
            return field.get_db_prep_save(value, connection)

        return json_value
    if kind == "DateTimeField" and not (field.auto_now or field.auto_now_add):  # type: ignore[attr-defined]
        adapt_datetime = connection.ops.adapt_datetimefield_value

        def datetime_value(obj: models.Model) -> Any:
            value = obj.__dict__[attname]
            if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
                return adapt_datetime(value)
            return field.get_db_prep_save(value, connection)  # naive: Django warns and converts

        return datetime_value
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def insert(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    ignore_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT `objs` (new instances of `model`) a few hundred rows per statement.

    Without ignore_conflicts, each object gets its primary key (as after bulk_create). With
    it, rows that conflict are skipped and ids are not assigned; `returning` names the
    columns to return for the rows actually inserted (e.g. ("id", "raw_blob"))."""
    if not objs:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    auto_pk = isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
    # The database writes generated columns itself (Conversation.priority_rank).
    fields = [
        f
        for f in meta.concrete_fields
        if not (auto_pk and f is pk) and not getattr(f, "generated", False)
    ]
    converters = [_converter(f) for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    assign_pk = auto_pk and not ignore_conflicts
    returned_columns = [str(pk.column)] if assign_pk else [_column(model, n) for n in returning]
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returned_columns:
        tail += " RETURNING " + ", ".join(qn(c) for c in returned_columns)
    head = f"INSERT INTO {qn(meta.db_table)} ({columns}) "
    if connection.vendor == "postgresql":
        # One array per column through UNNEST (as Django 5.2's bulk_create does): a few
        # placeholders whatever the row count, so neither psycopg's client-side query
        # parsing nor the planner grows with the batch. Arrays go in binary (%b; see
        # execute()). Type modifiers are dropped so a value is never silently truncated.
        arrays = ", ".join(f"%b::{str(f.db_type(connection)).split('(')[0]}[]" for f in fields)
        statements = [
            (
                f"{head}SELECT * FROM UNNEST({arrays}){tail}",
                [[convert(obj) for obj in objs] for convert in converters],
                objs,
            )
        ]
    else:
        size = max(1, min(connection.ops.bulk_batch_size(fields, objs), 65535 // len(fields)))
        statements = [
            (
                f"{head}VALUES " + ", ".join([row_sql] * len(chunk)) + tail,
                [convert(obj) for obj in chunk for convert in converters],
                chunk,
            )
            for start in range(0, len(objs), size)
            if (chunk := objs[start : start + size])
        ]
    results: list[tuple[Any, ...]] = []
    for sql, params, chunk in statements:
        rows = execute(sql, params, fetch=bool(returned_columns))
        if returned_columns:
            if assign_pk:
                for obj, (value,) in zip(chunk, rows, strict=True):
                    obj.pk = value
            results.extend(rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return results


def execute(sql: str, params: Sequence[Any], *, fetch: bool = False) -> list[tuple[Any, ...]]:
    """Run one statement with `%s` (or `%b`) placeholders in the current transaction; its
    rows when `fetch`.

    On PostgreSQL the parameters are bound on the server. Write array parameters as `%b`
    (binary): in text form psycopg quotes and escapes every element of an array in Python,
    which for 250 messages of the ingest corpus took 31 ms a statement against 6 ms in
    binary (`bench/array_params.py`). Django's client-side cursor would do the same for
    every parameter. Errors are Django's (IntegrityError, ...). Elsewhere `%b` is read as
    `%s`."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("%b", "%s"), params)
            return [tuple(row) for row in cursor.fetchall()] if fetch else []
    import psycopg  # only installed where PostgreSQL is used

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if fetch else []


def update(
    model: type[models.Model], changes: Iterable[tuple[models.Model, Iterable[str]]]
) -> None:
    """UPDATE each instance's named fields, by primary key: one statement per set of
    fields, sent for all its rows at once (executemany), where `save(update_fields=...)`
    compiles every row anew (2,300 conversations a second on the ingest corpus under
    the profiler). Values are converted as in `insert`; no signals are sent (none is
    connected to the models written this way)."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    qn = connection.ops.quote_name
    groups: dict[tuple[str, ...], list[models.Model]] = {}
    for obj, names in changes:
        groups.setdefault(tuple(sorted(names)), []).append(obj)
    for names, objs in groups.items():
        fields = [f for n in names if isinstance(f := meta.get_field(n), models.Field)]
        converters = [_converter(f) for f in fields]
        assignments = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
        sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(str(pk.column))} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[c(obj) for c in converters] + [obj.pk] for obj in objs])
