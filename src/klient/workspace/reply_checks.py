"""The compose box's pre-send checks: the findings of klient.conversations.checks on the
reply being written, asked for by htmx while the agent types, and again when the reply is
sent. Findings advise; they never keep a reply from being sent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations import checks
from klient.conversations.access import access_conversation
from klient.conversations.models import Conversation
from klient.core.transactions import reads_only

MAX_DRAFT = 200_000  # the longest reply an action accepts; longer drafts are not checked


def findings_on(conversation: Conversation, author: Any, body: str) -> list[checks.Finding]:
    if not body.strip() or len(body) > MAX_DRAFT:
        return []
    draft = checks.draft_for(conversation, author=author, body=body)
    return checks.check_reply(draft)


def tell_after_sending(request: HttpRequest, findings: list[checks.Finding]) -> None:
    """The findings on a reply that was sent, shown on the page it returns to."""
    for finding in findings:
        messages.warning(
            request, _("A note on your reply: %(message)s") % {"message": finding.message}
        )


@reads_only
@login_required
@require_POST
def reply_findings(request: HttpRequest, ref: str) -> HttpResponse:
    """The findings card for the compose box (htmx: posted with the reply form's fields)."""
    conversation = access_conversation(request.user, ref)
    body = str(request.POST.get("body", ""))
    return render(
        request,
        "workspace/_reply_findings.html",
        {"findings": findings_on(conversation, request.user, body), "conversation": conversation},
    )
