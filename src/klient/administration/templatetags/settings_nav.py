"""{% settings_sections %}: the settings navigation, with the current section marked."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from klient.administration.nav import SECTIONS

register = template.Library()


@register.simple_tag(takes_context=True)
def settings_sections(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    path = getattr(request, "path", "")
    sections = []
    for section in SECTIONS:
        url = reverse(section.url_name)
        sections.append({"url": url, "label": section.label, "current": path.startswith(url)})
    return sections
