"""`{{ inbound.reason|quarantine_reason }}`: why a mail is quarantined, in the reader's
language (klient.mail.quarantine_reasons)."""

from __future__ import annotations

from django import template

from klient.mail.quarantine_reasons import worded

register = template.Library()


@register.filter
def quarantine_reason(reason: str | None) -> str:
    return worded(reason or "")
