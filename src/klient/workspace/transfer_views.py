"""Transferring a conversation from its page (form: workspace/_transfer.html).

Thin: the conversation through conversations.access, one action
(klient.conversations.transfers.transfer), a redirect with a notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations.access import access_conversation, conversations_in_scope
from klient.conversations.transfers import transfer
from klient.people.models import Team


def _refusal(exc: ValidationError) -> str:
    """The action's refusal in the agent's language."""
    code = getattr(exc, "code", None)
    if code == "note_empty":
        return _(
            "Write a handover note: what the customer asked, what was done, what is left, "
            "so they are never asked to repeat it."
        )
    if code == "no_receiver":
        return _("Choose an agent or a team to transfer to.")
    if code == "not_member":
        return _("That agent is not in the receiving team.")
    if code == "same":
        return _("The conversation is there already.")
    return " ".join(exc.messages)


def _pk(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


@login_required
@require_POST
def transfer_conversation(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = access_conversation(request.user, ref)
    page = redirect(reverse("workspace:conversation", args=[conversation.reference]))
    agent_pk, team_pk = _pk(request.POST.get("agent", "")), _pk(request.POST.get("team", ""))
    agent = (
        get_user_model().objects.filter(pk=agent_pk, is_active=True).first() if agent_pk else None
    )
    team = Team.objects.filter(pk=team_pk).first() if team_pk else None
    try:
        transfer(
            conversation,
            actor=request.user,
            note=request.POST.get("note", ""),
            agent=agent,
            team=team,
        )
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
        return page
    messages.success(request, _("%(ref)s was transferred.") % {"ref": conversation.reference})
    # The agent who handed it over may no longer see it (another team): back to the inbox.
    if not conversations_in_scope(request.user).filter(pk=conversation.pk).exists():
        return redirect(reverse("workspace:inbox"))
    return page
