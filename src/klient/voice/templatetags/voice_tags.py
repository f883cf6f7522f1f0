"""The workspace's navigation link to the voice of the customer, for those it is for."""

from __future__ import annotations

from typing import Any

from django import template

from klient.voice.access import actions_in_scope, is_manager

register = template.Library()


@register.simple_tag
def voice_link_shown(user: Any) -> bool:
    return bool(user.is_authenticated and (is_manager(user) or actions_in_scope(user).exists()))
