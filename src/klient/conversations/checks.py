"""Pre-send checks of a reply: `check_reply(draft)` -> findings the agent sees before
sending (the workspace's compose box, the API's check-reply and replies endpoints).

A check is a plain function `check(draft) -> iterable of Finding`, registered by name in
one explicit table (`register_check`). Higher layers register theirs (the tone guard of
insights) from their own code, so conversations never imports them. Findings advise:
none ever blocks sending, and a check that raises is logged and skipped."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .models import Conversation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A reply as the agent is writing it."""

    conversation: Conversation
    author: Any
    body: str
    language: str  # the conversation's language ("" when unknown)
    channel: str  # the channel the reply goes out on


@dataclass(frozen=True)
class Finding:
    """What a check noticed in a draft: `message` says why, `start`/`end` mark the span
    of the body it is about (character offsets, `body[start:end] == excerpt`), and
    `suggestion` may offer other wording."""

    check: str
    category: str
    message: str
    start: int | None = None
    end: int | None = None
    excerpt: str = ""
    suggestion: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Check = Callable[[Draft], Iterable[Finding]]

_CHECKS: dict[str, Check] = {}


def register_check(name: str, check: Check) -> None:
    """Add a pre-send check under `name` (unique). Its findings should carry `name` as
    their `check`; check_reply fills it in when they do not."""
    if name in _CHECKS:
        raise ValueError(f"a reply check named {name!r} exists already")
    _CHECKS[name] = check


def unregister_check(name: str) -> None:
    _CHECKS.pop(name, None)


def registered_checks() -> tuple[str, ...]:
    return tuple(_CHECKS)


def draft_for(
    conversation: Conversation, *, author: Any, body: str, channel: str | None = None
) -> Draft:
    return Draft(
        conversation=conversation,
        author=author,
        body=body,
        language=conversation.language or "",
        channel=channel or conversation.channel,
    )


def check_reply(draft: Draft) -> list[Finding]:
    """Every registered check's findings on `draft`, in registration order. A check that
    raises is logged and skipped: a broken check must never keep an answer from a
    customer. A span outside the body is dropped (the excerpt, if any, is kept)."""
    findings: list[Finding] = []
    for name, check in list(_CHECKS.items()):
        try:
            found = list(check(draft))
        except Exception:
            logger.exception("reply check %s failed; skipped", name)
            continue
        findings.extend(_tidy(name, finding, draft.body) for finding in found)
    return findings


def _tidy(name: str, finding: Finding, body: str) -> Finding:
    start, end, excerpt = finding.start, finding.end, finding.excerpt
    if start is not None and end is not None and 0 <= start <= end <= len(body):
        excerpt = excerpt or body[start:end]
    else:
        start = end = None
    return Finding(
        check=finding.check or name,
        category=finding.category,
        message=finding.message,
        start=start,
        end=end,
        excerpt=excerpt,
        suggestion=finding.suggestion,
    )
