"""The signed-in agent's own time zone and language, for every request.

Dates and times: every request of a signed-in agent runs in the time zone of their
AgentProfile, so each `{{ value|date }}`, `when` filter and form shows local time; anyone
else (customers in the portal, API clients, anonymous pages) sees UTC, the project's
TIME_ZONE.

Language: an agent who chose one (AgentProfile.language) reads every page in it, on any
browser; without a choice Django's LocaleMiddleware has already picked the browser's
(klient.people.languages.reader_language states the order)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from klient.people.languages import chosen_language
from klient.people.queries import agent_profile


def agent_time_zone(user: Any) -> zoneinfo.ZoneInfo | None:
    """The zone of an agent's profile; None for anyone else or an unknown zone name."""
    profile = agent_profile(user)
    name = (profile.time_zone or "") if profile is not None else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class AgentTimeZoneMiddleware:
    """Activate the signed-in agent's time zone for the request; UTC otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = agent_time_zone(getattr(request, "user", None))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class AgentLanguageMiddleware:
    """Activate the signed-in agent's chosen language for the request (after
    AuthenticationMiddleware; LocaleMiddleware sets Content-Language from it on the way
    out). Anyone without a choice keeps the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(getattr(request, "user", None))
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
