"""Reading saved replies: which ones an agent may use or edit, and a macro's text for a
conversation."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from klient.conversations.access import is_admin

from .models import Macro, MacroVersion
from .placeholders import context_for, render


def usable_macros(user: Any) -> QuerySet[Macro]:
    """The agent's own macros and the shared ones of every team or of their teams
    (administrators see all shared ones)."""
    if user is None or not user.is_authenticated:
        return Macro.objects.none()
    shared = Q(shared=True)
    if not is_admin(user):
        shared &= Q(team__isnull=True) | Q(team__members=user)
    return (
        Macro.objects.filter(Q(owner=user) | shared)
        .select_related("owner", "team")
        .prefetch_related("versions")
        .distinct()
        .order_by("name", "pk")
    )


def usable_macro(user: Any, macro_id: int) -> Macro:
    """One macro the user may use; Http404 else, like anything outside one's scope."""
    macro = usable_macros(user).filter(pk=macro_id).first()
    if macro is None:
        raise Http404("No such saved reply.")
    return macro


def may_edit(user: Any, macro: Macro) -> bool:
    """Owners edit their macros; administrators also edit every shared one."""
    return macro.owner_id == user.pk or (macro.shared and is_admin(user))


def version_for(macro: Macro, language: str) -> MacroVersion | None:
    """The version in `language`, else in the macro's default language, else any."""
    versions = {v.language: v for v in macro.versions.all()}
    return (
        versions.get(language)
        or versions.get(macro.default_language)
        or next(iter(versions.values()), None)
    )


def rendered(macro: Macro, conversation: Any, agent: Any) -> tuple[str, str]:
    """(text, language) of the macro for this conversation, placeholders filled."""
    version = version_for(macro, conversation.language or "")
    if version is None:
        return "", ""
    return render(version.body, context_for(conversation, agent)), version.language
