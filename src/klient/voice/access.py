"""Who sees topics and corrective actions: managers (a team's lead) for their teams,
administrators for every team, and an action's owner for that action. Anything else is
a 404, so an action's existence does not leak."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from klient.people.access import is_admin
from klient.people.models import Team

from .models import CorrectiveAction, Topic


def managed_teams(user: Any) -> QuerySet[Team]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    return Team.objects.all() if is_admin(user) else Team.objects.filter(lead=user)


def is_manager(user: Any) -> bool:
    """Whether the voice of the customer dashboard is for `user` (the navigation link)."""
    return managed_teams(user).exists()


def manages(user: Any, team_id: int) -> bool:
    return managed_teams(user).filter(pk=team_id).exists()


def topics_in_scope(user: Any) -> QuerySet[Topic]:
    return Topic.objects.filter(team__in=managed_teams(user))


def actions_in_scope(user: Any) -> QuerySet[CorrectiveAction]:
    if user is None or not user.is_authenticated or not user.is_active:
        return CorrectiveAction.objects.none()
    return CorrectiveAction.objects.filter(
        Q(topic__team__in=managed_teams(user)) | Q(owner_id=user.pk)
    )


def access_topic(user: Any, pk: int) -> Topic:
    topic = topics_in_scope(user).filter(pk=pk).select_related("team").first()
    if topic is None:
        raise Http404("No such topic that you manage.")
    return topic


def access_action(user: Any, pk: int) -> CorrectiveAction:
    action = actions_in_scope(user).filter(pk=pk).select_related("topic__team", "owner").first()
    if action is None:
        raise Http404("No such corrective action that you can see.")
    return action
