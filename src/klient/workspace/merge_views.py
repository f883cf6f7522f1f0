"""Merging conversations from the conversation page (form: workspace/_merge.html).

Thin: both conversations through conversations.access, one action
(klient.conversations.merge), a redirect with a notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations.access import access_conversation, conversations_in_scope
from klient.conversations.merge import merge_conversations, survivor_of
from klient.conversations.models import Conversation

MAX_REFERENCE = 30


def _page(conversation: Conversation) -> HttpResponse:
    return redirect(reverse("workspace:conversation", args=[conversation.reference]))


def _refusal(exc: ValidationError, source: Conversation, target: Conversation) -> str:
    """The action's refusal in the agent's language."""
    names = {"source": source.reference, "target": target.reference}
    code = getattr(exc, "code", None)
    if code == "other_customer":
        return (
            _(
                "%(source)s and %(target)s belong to different customers: merging would show "
                "one customer's messages to the other's replies. Tick the confirmation to "
                "merge them anyway."
            )
            % names
        )
    if code == "already_merged":
        return _("%(source)s was already merged into another conversation.") % names
    if code == "self":
        return _("%(source)s cannot be merged into itself.") % names
    return " ".join(exc.messages)


@login_required
@require_POST
def merge(request: HttpRequest, ref: str) -> HttpResponse:
    """Merge the conversation `ref` into the one named in the form's `into`."""
    source = access_conversation(request.user, ref)
    into = request.POST.get("into", "").strip()[:MAX_REFERENCE]
    try:
        target = access_conversation(request.user, into)
    except Http404:
        # The same words whether it does not exist or is outside the agent's teams.
        messages.error(request, _("No conversation %(ref)s that you can see.") % {"ref": into})
        return _page(source)
    try:
        source = merge_conversations(
            source,
            target,
            actor=request.user,
            allow_other_customer=request.POST.get("allow_other_customer") == "1",
        )
    except ValidationError as exc:
        messages.error(request, _refusal(exc, source, target))
        return _page(source)
    survivor = survivor_of(source)
    messages.success(
        request,
        _("%(source)s was merged into %(target)s.")
        % {"source": source.reference, "target": survivor.reference},
    )
    return _page(survivor)


def redirect_if_merged(request: HttpRequest, conversation: Conversation) -> HttpResponse | None:
    """The page of a merged conversation is its survivor's, with a notice; None when
    `conversation` was not merged or its survivor is outside the agent's scope (the page
    then shows the link, see _merge.html)."""
    if conversation.merged_into_id is None:
        return None
    survivor = survivor_of(conversation)
    if not conversations_in_scope(request.user).filter(pk=survivor.pk).exists():
        return None
    messages.info(
        request,
        _("%(source)s was merged into %(target)s: you are looking at %(target)s.")
        % {"source": conversation.reference, "target": survivor.reference},
    )
    return _page(survivor)
