"""The tone guard as a pre-send check (klient.conversations.checks): the same findings as
POST /api/v1/insights/tone, in the compose box, check-reply and the replies endpoint.
Advice only: it never keeps a reply from being sent. A finding the agent dismissed in the
compose box stays dismissed for her in that conversation (same rule, same words)."""

from __future__ import annotations

from collections.abc import Iterator

from klient.conversations.checks import Draft, Finding
from klient.mail.language import detect_language

from . import guard, matcher
from .queries import dismissed_here

CHECK_NAME = "tone"


def draft_language(draft: Draft) -> str:
    """The draft's own language when its words tell, else the conversation's: an agent may
    answer in another language than the customer first wrote in."""
    return detect_language(draft.body) or draft.language


def tone_findings(draft: Draft) -> tuple[str, list[matcher.Finding]]:
    """The language and the findings not dismissed by the draft's author."""
    language, findings = guard.check(draft.body, draft_language(draft))
    if not findings:
        return language, findings
    dismissed = dismissed_here(draft.conversation, draft.author, {f.rule for f in findings})
    return language, [f for f in findings if (f.rule, f.quote) not in dismissed]


def tone_check(draft: Draft) -> Iterator[Finding]:
    _language, findings = tone_findings(draft)
    for finding in findings:
        yield Finding(
            check=CHECK_NAME,
            category=finding.category,
            message=finding.reason,
            start=finding.start,
            end=finding.end,
            excerpt=finding.quote,
            suggestion=finding.suggestion,
        )
