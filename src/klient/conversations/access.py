"""The only way views and the API get conversations and their attachments for a user.

Scope: administrators (is_staff) see everything; other agents see the conversations of
their teams and the conversations assigned to them. Anything outside the scope is
answered exactly like something that does not exist (Http404), so its existence never
leaks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from klient.people.access import is_admin
from klient.people.models import Team

from .models import Attachment, Conversation

__all__ = ["access_attachment", "access_conversation", "conversations_in_scope", "is_admin"]


def conversations_in_scope(
    user: Any, queryset: QuerySet[Conversation] | None = None
) -> QuerySet[Conversation]:
    """The conversations `user` may see. A subquery, not a join: no duplicate rows, and
    the caller's ordering and keyset pagination stay exact."""
    queryset = Conversation.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_admin(user):
        return queryset
    my_teams = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    return queryset.filter(Q(team_id__in=my_teams) | Q(assignee_id=user.pk))


def access_conversation(
    user: Any, reference: str, *, queryset: QuerySet[Conversation] | None = None
) -> Conversation:
    """The conversation a reference ("K-1042") names, if `user` may see it; Http404 else."""
    pk = Conversation.pk_from_reference(reference)
    if pk is None:
        raise Http404("No such conversation.")
    conversation = conversations_in_scope(user, queryset).filter(pk=pk).first()
    if conversation is None:
        raise Http404(f"No conversation {reference.strip().upper()} that you can see.")
    return conversation


def access_attachment(user: Any, attachment_id: int) -> Attachment:
    """An attachment of a message in a conversation `user` may see; Http404 else."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id,
            message__conversation_id__in=conversations_in_scope(user).values("pk"),
        )
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
