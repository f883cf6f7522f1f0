"""What the administrators' tone page reads: their rules and the dismissals counted per
rule and category (false alarms show as rules dismissed often)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from .matcher import CATEGORIES
from .models import ToneDismissal
from .rulebook import LANGUAGES, load_rules


@dataclass(frozen=True)
class RuleCount:
    rule: str
    category: str
    language: str
    dismissed: int


def dismissals_by_rule() -> list[RuleCount]:
    rows = (
        ToneDismissal.objects.values("rule", "category", "language")
        .annotate(n=Count("pk"))
        .order_by("-n", "rule")
    )
    return [RuleCount(r["rule"], r["category"], r["language"], r["n"]) for r in rows]


def dismissals_by_category() -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for row in ToneDismissal.objects.values("category").annotate(n=Count("pk")):
        counts[row["category"]] = row["n"]
    return counts


def shipped_rule_counts() -> dict[str, int]:
    return {language: len(load_rules(language)) for language in LANGUAGES}


def dismissed_here(conversation: Any, agent: Any, rules: Iterable[str]) -> set[tuple[str, str]]:
    """(rule, quote) pairs this agent dismissed in this conversation."""
    if conversation is None or getattr(agent, "pk", None) is None:
        return set()
    rows = ToneDismissal.objects.filter(
        conversation=conversation, agent=agent, rule__in=set(rules)
    ).values_list("rule", "quote")
    return {(rule, quote) for rule, quote in rows}
