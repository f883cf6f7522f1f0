"""Sentiment and at-risk reasons in the reader's words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _kind_words() -> dict[str, str]:
    return {
        "negative": _("negative words"),
        "positive": _("positive words"),
        "leaving": _("says they are leaving"),
        "elsewhere": _("going elsewhere"),
        "public": _("public complaint"),
        "repeated": _("repeated frustration"),
        "after_broken_promise": _("angry after a broken promise"),
        "after_breach": _("angry after a missed deadline"),
        "bad_rating": _("bad satisfaction rating"),
    }


@register.filter
def sentiment_label(label: str) -> str:
    return {"negative": _("Negative"), "neutral": _("Neutral"), "positive": _("Positive")}.get(
        label, label
    )


@register.filter
def risk_reasons(reasons: list[dict[str, Any]]) -> str:
    """ "says they are leaving: “I will look for another consultant”; ..."."""
    words = _kind_words()
    parts = []
    for reason in reasons or ():
        kind = str(reason.get("kind", ""))
        quote = reason.get("quote")
        parts.append(f"{words.get(kind, kind)}: “{quote}”" if quote else words.get(kind, kind))
    return "; ".join(parts)


@register.filter
def finding_words(reasons: list[dict[str, Any]]) -> str:
    """The words that decided, for the badge's tooltip."""
    return risk_reasons([r for r in reasons or () if not r.get("negated")])


_RISK_KINDS = ("leaving", "elsewhere", "public", "repeated", "after_broken_promise", "after_breach")


@register.filter
def at_risk_words(reasons: list[dict[str, Any]]) -> str:
    """Only what made the relationship at risk, shown beside the badge."""
    return risk_reasons(
        [r for r in reasons or () if r.get("kind") in _RISK_KINDS and not r.get("negated")]
    )
