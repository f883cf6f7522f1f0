"""Dates and times as each language writes them, in the viewer's time zone.

The formats are translatable strings (Django `date` syntax), so each language chooses its own
order and month form: "5 Nov, 14:30", "5. Nov., 14:30", "5 lis, 14:30". Views render inside
`timezone.override(agent's zone)`, and `expects_localtime` converts to it first."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django import template
from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language, pgettext

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def when(value: datetime | None, style: str = "short") -> str:
    """`{{ at|when }}` day, month and time; `{{ at|when:"long" }}` adds the year."""
    if not value:
        return ""
    if style == "long":
        # Translators: a Django date format (day, month, year, time), e.g. "5 Nov 2025, 14:30".
        fmt = pgettext("date format with year", "j M Y, H:i")
    else:
        # Translators: a Django date format (day, month, time), e.g. "5 Nov, 14:30".
        fmt = pgettext("date format without year", "j M, H:i")
    return _format(value, fmt, get_language())


# Django's date format characters; those Klient's translations use are written directly
# (an inbox page formats 75 times: Django's formatter took ~5 ms of it), any other falls
# back to Django.
_SPECIFIERS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTuUwWyYzZ")
_FAST = frozenset("jdnmYHiNbEM")


@functools.lru_cache(maxsize=64)
def _tokens(fmt: str) -> tuple[str, ...] | None:
    """The format as specifiers and literal runs; None when it needs Django's formatter."""
    if "\\" in fmt or any(c in _SPECIFIERS and c not in _FAST for c in fmt):
        return None
    return tuple(fmt)


@functools.lru_cache(maxsize=16)
def _months(language: str | None) -> dict[str, list[str]]:
    from django.utils import dates

    def names(table: Any, transform: Any = str) -> list[str]:
        return ["", *(transform(str(table[m])) for m in range(1, 13))]

    return {
        "b": names(dates.MONTHS_3),
        "M": names(dates.MONTHS_3, str.title),
        "N": names(dates.MONTHS_AP),
        "E": names(dates.MONTHS_ALT),
    }


def _format(value: datetime, fmt: str, language: str | None) -> str:
    chars = _tokens(fmt)
    if chars is None:
        return date_filter(value, fmt)
    months = _months(language)
    parts = []
    for char in chars:
        if char == "j":
            parts.append(str(value.day))
        elif char == "d":
            parts.append(f"{value.day:02d}")
        elif char == "n":
            parts.append(str(value.month))
        elif char == "m":
            parts.append(f"{value.month:02d}")
        elif char == "Y":
            parts.append(f"{value.year:04d}")
        elif char == "H":
            parts.append(f"{value.hour:02d}")
        elif char == "i":
            parts.append(f"{value.minute:02d}")
        elif char in months:
            parts.append(months[char][value.month])
        else:
            parts.append(char)
    return "".join(parts)


@register.filter
def label(instance: models.Model, field_name: str) -> Any:
    """`{{ c|label:"status" }}`: the translated label of a choice field, like
    `get_status_display` but read from a table made once per language (Django's version
    hashes every lazy label on each call: a millisecond per inbox row)."""
    value = getattr(instance, field_name)
    return choice_labels(type(instance), field_name).get(value, value)


def choice_labels(model: type[models.Model], field_name: str) -> dict[Any, str]:
    """A choice field's labels in the active language: value -> label."""
    return _choice_labels(model, field_name, get_language())


@functools.lru_cache(maxsize=512)
def _choice_labels(model: type[models.Model], field_name: str, language: str | None) -> dict:
    field = model._meta.get_field(field_name)
    return {value: str(text) for value, text in field.flatchoices}  # type: ignore[union-attr]
