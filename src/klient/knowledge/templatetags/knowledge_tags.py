"""Knowledge-base suggestions for the conversation page's reply tools."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import DEFAULT_LANGUAGE
from ..queries import ArticleText, suggest_articles

register = template.Library()

SUGGESTIONS = 3


@register.simple_tag(takes_context=True)
def suggestions_for(context: Any, conversation: Any) -> list[ArticleText]:
    """Articles matching the subject and the customer's latest message, in the
    conversation's language. Reads the page's thread when it has one (no extra query)."""
    if conversation is None:
        return []
    thread = context.get("thread")
    if thread is not None:
        latest = next((m for m in reversed(list(thread)) if m.kind == "inbound"), None)
    else:
        inbound = conversation.messages.filter(kind="inbound")
        latest = inbound.order_by("-created_at", "-pk").first()
    text = " ".join([conversation.subject, (latest.new_text or latest.body_text) if latest else ""])
    language = conversation.language or DEFAULT_LANGUAGE
    return suggest_articles(text, language, public_only=False, limit=SUGGESTIONS)
