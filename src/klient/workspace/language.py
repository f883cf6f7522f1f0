"""The header's language selector. Anyone's choice is kept in the language cookie
(Django's set_language); a signed-in agent's also becomes their AgentProfile.language, the
language Klient speaks to them everywhere: every page on any browser, notifications and
their emails (klient.people.languages)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as set_cookie_language

from klient.people.actions import set_agent_language
from klient.people.queries import agent_profile


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = set_cookie_language(request)
    code = request.POST.get("language", "")
    user = request.user
    # Only agents have a language of their own.
    if code in dict(settings.LANGUAGES) and agent_profile(user) is not None:
        set_agent_language(user, code, actor=user)
    return response
