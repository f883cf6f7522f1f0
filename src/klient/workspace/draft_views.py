"""The compose box's draft and the Undo button (klient.conversations.drafts).

The compose box saves the agent's reply a moment after they stop typing, and when they
leave the page (static/workspace/compose.js); the conversation page puts the draft back in
the box. A just-sent reply shows an Undo button with a countdown while it waits out
KLIENT_UNDO_SEND_SECONDS."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations import drafts
from klient.conversations.access import access_conversation, access_own_message


@login_required
@require_POST
def save_draft(request: HttpRequest, ref: str) -> HttpResponse:
    """Autosave: 204 once kept; an empty box (no text, no attachments) discards the draft."""
    conversation = access_conversation(request.user, ref)
    body = str(request.POST.get("body", ""))
    try:
        uploads = [int(value) for value in request.POST.getlist("attachments") if value]
    except ValueError:
        return HttpResponse(_("Attachments must be a list of upload ids."), status=400)
    try:
        if body.strip() or uploads:
            drafts.save_draft(conversation, agent=request.user, body=body, attachments=uploads)
        else:
            drafts.discard_draft(conversation, agent=request.user)
    except ValidationError as exc:
        return HttpResponse(" ".join(_(m) for m in exc.messages), status=400)
    return HttpResponse(status=204)


@login_required
@require_POST
def undo_reply(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    """Undo: back to the conversation, the reply's text in the compose box again."""
    conversation = access_conversation(request.user, ref)
    message = access_own_message(request.user, pk)
    if message.conversation_id != conversation.pk:
        raise Http404("No such message.")
    url = reverse("workspace:conversation", args=[conversation.reference])
    try:
        drafts.undo_reply(message, actor=request.user)
    except drafts.TooLateToUndo:
        messages.error(request, _("Too late to undo: the reply has been handed over for sending."))
        return redirect(f"{url}#m-{message.pk}")
    messages.success(request, _("Your reply was not sent: it is back in the compose box."))
    return redirect(f"{url}#reply-title")
