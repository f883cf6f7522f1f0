"""The only way views and the API get promises: those of conversations the agent sees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from klient.conversations.access import conversations_in_scope

from .models import Promise


def promises_in_scope(user: Any) -> QuerySet[Promise]:
    return Promise.objects.filter(conversation__in=conversations_in_scope(user).values("pk"))


def access_promise(user: Any, promise_id: int) -> Promise:
    found = promises_in_scope(user).select_related("conversation").filter(pk=promise_id).first()
    if found is None:
        raise Http404("No such promise.")
    return found
