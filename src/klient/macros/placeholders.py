"""Placeholders in saved replies, filled by plain substitution from a fixed list, never
by a template engine: text written by agents cannot reach anything else."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# A placeholder whose value is empty takes one space before it along: "Hello {{ x }}," → "Hello,".
_FILLED = re.compile(r"[ \t]?\{\{\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class Context:
    """What a saved reply may speak about."""

    customer_name: str = ""
    customer_email: str = ""
    reference: str = ""
    subject: str = ""
    agent_first_name: str = ""
    agent_name: str = ""
    team_name: str = ""


def _first(name: str) -> str:
    return name.split()[0] if name.split() else ""


VALUES: dict[str, Callable[[Context], str]] = {
    "customer.first_name": lambda c: _first(c.customer_name),
    "customer.name": lambda c: c.customer_name,
    "customer.email": lambda c: c.customer_email,
    "conversation.reference": lambda c: c.reference,
    "conversation.subject": lambda c: c.subject,
    "agent.first_name": lambda c: c.agent_first_name,
    "agent.name": lambda c: c.agent_name,
    "team.name": lambda c: c.team_name,
}


def check(text: str) -> None:
    """Refuse unknown placeholders and unbalanced braces, naming them."""
    unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - set(VALUES))
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s. Use one of: %(known)s.")
            % {
                "names": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                "known": ", ".join(f"{{{{ {name} }}}}" for name in VALUES),
            }
        )
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        raise ValidationError(_("A placeholder is not closed: write it as {{ customer.name }}."))


def render(text: str, context: Context) -> str:
    """The text with every known placeholder replaced (unknown ones are left as written)."""

    def fill(match: re.Match[str]) -> str:
        value = VALUES.get(match.group(1))
        if value is None:
            return match.group(0)
        filled = value(context)
        if not filled:
            return ""
        written = match.group(0)
        return written[: written.index("{{")] + filled

    return _FILLED.sub(fill, text)


def context_for(conversation: Any, agent: Any) -> Context:
    customer = conversation.customer
    return Context(
        customer_name=customer.name,
        customer_email=customer.primary_email(),
        reference=conversation.reference,
        subject=conversation.subject,
        agent_first_name=getattr(agent, "first_name", ""),
        agent_name=agent.get_full_name() if agent is not None else "",
        team_name=conversation.team.name,
    )
