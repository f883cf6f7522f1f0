"""{{ finding.category|tone_category }}: a tone category's name in the agent's language."""

from __future__ import annotations

from django import template

from ..models import CATEGORY_LABELS

register = template.Library()


@register.filter
def tone_category(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))
