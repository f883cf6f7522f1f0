"""The CSAT section of the reports page: `{% load csat_tags %}{% csat_section window %}`.
A template tag, so klient.reports (a sibling layer) shows it without importing surveys."""

from __future__ import annotations

from typing import Any

from django import template

from klient.surveys.queries import csat_report

register = template.Library()


@register.inclusion_tag("surveys/_report_section.html", takes_context=True)
def csat_section(context: Any, window: Any) -> dict[str, Any]:
    """`window`: the reports page's period (start, end dates; bounds() as datetimes)."""
    start, end = window.bounds()
    total, rows = csat_report(context["request"].user, group="team", start=start, end=end)
    return {
        "total": total,
        "rows": rows,
        "query": f"group=team&from={window.start}&to={window.end}",
    }
