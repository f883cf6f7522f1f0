"""`{% conversation_promises conversation as promises %}`: the promises still to confirm
or keep in a conversation, soonest due first (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from klient.promises.access import promises_in_scope
from klient.promises.models import Promise
from klient.promises.queries import promise_report

register = template.Library()


@register.simple_tag
def conversation_promises(conversation: Any) -> list[Promise]:
    return list(
        Promise.objects.filter(
            conversation=conversation, state__in=[Promise.State.OFFERED, Promise.State.OPEN]
        ).order_by("due_at", "pk")
    )


@register.inclusion_tag("promises/_report_section.html", takes_context=True)
def promises_section(context: Any, window: Any) -> dict[str, Any]:
    """The reports page's section (`{% load promise_tags %}{% promises_section window %}`):
    promises made in the period, kept and broken per team. A template tag, so
    klient.reports (a lower layer) shows it without importing promises."""
    start, end = window.bounds()
    rows = promises_in_scope(context["request"].user).filter(
        created_at__gte=start, created_at__lt=end
    )
    return {"rows": promise_report(rows, "team")}
