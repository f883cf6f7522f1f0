"""The language Klient speaks to an agent: for the UI, notifications and every email it
writes to them.

The agent's own choice (AgentProfile.language) comes first; on screen, without one, the
browser's (the language cookie, then Accept-Language); in emails and other texts written
with no request, the browser's language remembered when they last signed in
(AgentProfile.browser_language); then the site's default, English.
Every text Klient writes to an agent is worded under `translation.override` of this, at
the moment it is read or sent, never in the language of whoever caused it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from .queries import agent_profile


def supported_language(code: str) -> str | None:
    """The UI language `code` stands for ("pl-PL" -> "pl"), or None if Klient has none."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().replace("_", "-").lower())
    except LookupError:
        return None


def chosen_language(user: Any) -> str | None:
    """The agent's own choice, if they made one and Klient speaks it; None for anyone who
    is not an agent."""
    profile = agent_profile(user)
    return supported_language(profile.language or "") if profile is not None else None


def reader_language(user: Any, request: HttpRequest | None = None) -> str:
    """The language to write to `user` in: their AgentProfile.language, else (with a
    request, on screen) the browser's, else the browser's they last signed in with,
    else settings.LANGUAGE_CODE."""
    if chosen := chosen_language(user):
        return chosen
    if request is not None:
        return translation.get_language_from_request(request)
    profile = agent_profile(user)
    if profile is not None and (remembered := supported_language(profile.browser_language)):
        return remembered
    return str(settings.LANGUAGE_CODE)


def remember_browser_language(user: Any, request: HttpRequest) -> None:
    """At sign-in: keep the browser's language for what is written to the agent without
    a request. Not an event: like reading a page, it changes nothing the desk decides."""
    profile = agent_profile(user)
    language = supported_language(translation.get_language_from_request(request))
    if profile is None or language is None or profile.browser_language == language:
        return
    type(profile).objects.filter(pk=profile.pk).update(browser_language=language)
    profile.browser_language = language
