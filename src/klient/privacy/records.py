"""Rows as plain JSON records for an export."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(obj: models.Model, *fields: str) -> dict[str, Any]:
    """The named fields of a row (a foreign key by its id: "team" gives team_id's value)."""
    out: dict[str, Any] = {"id": obj.pk}
    for name in fields:
        model_field = obj._meta.get_field(name)
        attname = getattr(model_field, "attname", name)
        out[name] = _plain(getattr(obj, attname))
    return out


def add(counts: dict[str, int], kind: str, number: int) -> None:
    counts[kind] = counts.get(kind, 0) + number
