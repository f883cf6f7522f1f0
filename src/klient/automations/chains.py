"""The causal chain of rules, so that loops between rules stop (pure Python).

Every event an automation's actions append carries `{"rule", "depth", "chain"}` in its
data ("automation"): the rule that caused it, how many rules deep that is, and the rules
of the chain in order. A rule started by such an event continues its chain; a change by a
person or a customer starts a new one (depth 0). A rule does not run when it is already in
the chain on this conversation (it would undo or repeat itself), nor beyond MAX_DEPTH."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 4


@dataclass(frozen=True)
class Cause:
    rule: int
    depth: int
    chain: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "depth": self.depth, "chain": list(self.chain)}


def parent_of(data: Mapping[str, Any] | None) -> Cause | None:
    """The automation an event's data says caused it (None: a person, a customer, Klient)."""
    raw = (data or {}).get("automation")
    if not isinstance(raw, Mapping):
        return None
    try:
        chain = tuple(int(rule) for rule in raw.get("chain", ()))
        return Cause(rule=int(raw["rule"]), depth=int(raw["depth"]), chain=chain)
    except (KeyError, TypeError, ValueError):
        return None


def next_cause(parent: Cause | None, rule: int) -> tuple[Cause, bool]:
    """The cause `rule` runs under after `parent`, and whether that is allowed (False: a
    loop, which is stopped and reported)."""
    chain = (*parent.chain, rule) if parent is not None else (rule,)
    depth = len(chain)
    allowed = depth <= MAX_DEPTH and (parent is None or rule not in parent.chain)
    return Cause(rule=rule, depth=depth, chain=chain), allowed
