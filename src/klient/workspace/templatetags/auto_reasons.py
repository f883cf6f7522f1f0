"""`{{ m.auto_reasons|auto_reason_labels|join:", " }}`: why a message reads as automatic."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from klient.mail.auto_labels import reason_labels

register = template.Library()


@register.filter
def auto_reason_labels(codes: Iterable[str] | None) -> list[str]:
    return reason_labels(codes or ())
