"""The only way views and the API get conversations and their attachments for a user.

Scope: administrators (is_staff) see everything; other agents see the conversations of
their teams and the conversations assigned to them. Anything outside the scope is
answered exactly like something that does not exist (Http404), so its existence never
leaks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from klient.people.access import is_admin
from klient.people.models import Team

from .models import Attachment, Conversation, Message, Upload

__all__ = ["access_attachment", "access_conversation", "conversations_in_scope", "is_admin"]


def admin_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A settings page: sign in first; an agent who is not an administrator gets 403 (a
    page, not an object whose existence could leak)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_admin(request.user):
            raise PermissionDenied("Only administrators can change the settings.")
        return view(request, *args, **kwargs)

    return wrapper


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
    rows = Attachment.objects.select_related("message")
    return _one_in_scope(
        user, rows, attachment_id, via="message__conversation_id", what="attachment"
    )


def access_message(user: Any, message_id: int) -> Message:
    """A message of a conversation `user` may see, with its conversation and delivery;
    Http404 else."""
    rows = Message.objects.select_related("conversation", "delivery")
    return _one_in_scope(user, rows, message_id, via="conversation_id", what="message")


def access_own_message(user: Any, message_id: int) -> Message:
    """A message `user` wrote, in a conversation they may see; Http404 else: what only
    its author may do (undo a reply) answers a colleague like a message that is not there."""
    message = access_message(user, message_id)
    if message.author_id is None or message.author_id != user.pk:
        raise Http404("No such message.")
    return message


def _one_in_scope(user: Any, rows: QuerySet[Any], pk: int, *, via: str, what: str) -> Any:
    """The row `pk` if the conversation it belongs to (through `via`) is in scope."""
    found = rows.filter(pk=pk, **{f"{via}__in": conversations_in_scope(user).values("pk")}).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def access_uploads(user: Any, upload_ids: Iterable[int]) -> list[Upload]:
    """The uploads these ids name, in that order (once each), if `user` uploaded them all;
    Http404 naming the first that is not theirs. Administrators too see only their own:
    an upload belongs to whoever sent it until a message takes it."""
    ids = list(dict.fromkeys(int(pk) for pk in upload_ids))
    if not ids:
        return []
    if user is None or not user.is_authenticated or not user.is_active:
        raise Http404(f"No upload {ids[0]} that you can attach.")
    found = {u.pk: u for u in Upload.objects.filter(pk__in=ids, uploader_id=user.pk)}
    for pk in ids:
        if pk not in found:
            raise Http404(f"No upload {pk} that you can attach.")
    return [found[pk] for pk in ids]


def teams_in_scope(user: Any) -> QuerySet[Team]:
    """The teams `user` may open conversations in: their own, every team for an
    administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    return Team.objects.all() if is_admin(user) else Team.objects.filter(members=user)


def access_team(user: Any, team: int | str) -> Team:
    """A team of teams_in_scope(user), by id or by name (case-insensitive); Http404 else.
    A name made of digits that names no team is read as an id."""
    teams = teams_in_scope(user)
    found = None
    if isinstance(team, int):
        found = teams.filter(pk=team).first()
    else:
        name = team.strip()
        found = teams.filter(name__iexact=name).first() if name else None
        if found is None and name.isdigit() and len(name) < 19:
            found = teams.filter(pk=int(name)).first()
    if found is None:
        raise Http404(f"No team {team!r} that you belong to.")
    return found
