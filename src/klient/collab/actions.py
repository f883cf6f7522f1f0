"""The only writers of colleague requests: ask, take, answer, cancel.

Each runs in one durable transaction, appends its Event and notifies the people who must
act (in app and by email, through notifications.notify). Follow-ups live in followups.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from klient.conversations.models import Conversation
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify
from klient.people.models import Team

from . import events, texts
from .access import is_assignee
from .models import ColleagueRequest

MAX_TEXT = 20_000

# The refusals an agent can meet, marked so that every language has them.
ERRORS = (
    gettext_noop("Write a question."),
    gettext_noop("Write an answer."),
    gettext_noop("The text is longer than 20,000 characters."),
    gettext_noop("Ask one agent or one team."),
    gettext_noop("You cannot ask yourself."),
    gettext_noop("The agent asked must be active."),
    gettext_noop("This request is no longer open."),
    gettext_noop("This request is not yours to answer."),
    gettext_noop("Only a team request can be taken."),
    gettext_noop("Someone else has taken this request."),
    gettext_noop("Only the agent who asked can cancel the request."),
)


def _text(value: str, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(empty)
    if len(value) > MAX_TEXT:
        raise ValidationError("The text is longer than 20,000 characters.")
    return value


def request_url(request: ColleagueRequest) -> str:
    return reverse("collab:request", args=[request.pk])


def conversation_url(conversation: Conversation) -> str:
    return reverse("workspace:conversation", args=[conversation.reference])


def ask(
    conversation: Conversation,
    *,
    actor: Any,
    question: str,
    agent: Any = None,
    team: Team | None = None,
) -> ColleagueRequest:
    """Ask one agent or one team a question about a conversation the asker can see (the
    caller gets it through conversations.access). The asked are notified."""
    question = _text(question, "Write a question.")
    if (agent is None) == (team is None):
        raise ValidationError("Ask one agent or one team.")
    if agent is not None:
        if not isinstance(agent, get_user_model()) or not agent.is_active:
            raise ValidationError("The agent asked must be active.")
        if agent.pk == actor.pk:
            raise ValidationError("You cannot ask yourself.")
    with transaction.atomic():
        request = ColleagueRequest.objects.create(
            conversation=conversation,
            asked_by=actor,
            asked_agent=agent,
            asked_team=team,
            question=question,
            created_at=timezone.now(),
        )
        publish_on_commit(events.request_asked(request, actor=actor))
        recipients = [agent] if agent is not None else list(team.members.all())  # type: ignore[union-attr]
        notify(
            recipients,
            kind=texts.ASKED,
            params={
                "asker": actor.get_full_name() or actor.username,
                "ref": conversation.reference,
                "question": question[:300],
            },
            conversation=conversation,
            actor=actor,
            url=request_url(request),
        )
    return request


def _locked(request: ColleagueRequest) -> ColleagueRequest:
    return (
        ColleagueRequest.objects.select_for_update()
        .select_related("conversation")
        .get(pk=request.pk)
    )


def take(request: ColleagueRequest, *, actor: Any) -> ColleagueRequest:
    """ "I'll take it": a member of the asked team becomes the request's assignee."""
    with transaction.atomic():
        request = _locked(request)
        if not request.is_open:
            raise ValidationError("This request is no longer open.")
        if request.asked_team_id is None:
            raise ValidationError("Only a team request can be taken.")
        if request.taken_by_id == actor.pk:
            return request
        if request.taken_by_id is not None:
            raise ValidationError("Someone else has taken this request.")
        if not is_assignee(actor, request):
            raise ValidationError("This request is not yours to answer.")
        request.taken_by = actor
        request.taken_at = timezone.now()
        request.save(update_fields=["taken_by", "taken_at"])
        publish_on_commit(events.request_taken(request, actor=actor))
    return request


def answer(request: ColleagueRequest, *, actor: Any, text: str) -> ColleagueRequest:
    """Answer the request (answering an untaken team request takes it). The answer shows
    on the conversation, the asker is notified, and the read grant ends."""
    text = _text(text, "Write an answer.")
    with transaction.atomic():
        request = _locked(request)
        if not request.is_open:
            raise ValidationError("This request is no longer open.")
        if not is_assignee(actor, request):
            raise ValidationError("This request is not yours to answer.")
        now = timezone.now()
        if request.asked_team_id is not None and request.taken_by_id is None:
            request.taken_by = actor
            request.taken_at = now
        request.state = ColleagueRequest.State.ANSWERED
        request.answer = text
        request.answered_by = actor
        request.answered_at = now
        request.save()
        publish_on_commit(events.request_answered(request, actor=actor))
        notify(
            [request.asked_by],
            kind=texts.ANSWERED,
            params={
                "who": actor.get_full_name() or actor.username,
                "ref": request.conversation.reference,
                "answer": text[:300],
            },
            conversation=request.conversation,
            actor=actor,
            url=conversation_url(request.conversation),
        )
    return request


def cancel(request: ColleagueRequest, *, actor: Any) -> ColleagueRequest:
    """The asker withdraws the question; the read grant ends."""
    with transaction.atomic():
        request = _locked(request)
        if not request.is_open:
            raise ValidationError("This request is no longer open.")
        if request.asked_by_id != actor.pk:
            raise ValidationError("Only the agent who asked can cancel the request.")
        request.state = ColleagueRequest.State.CANCELLED
        request.save(update_fields=["state"])
        publish_on_commit(events.request_cancelled(request, actor=actor))
    return request
