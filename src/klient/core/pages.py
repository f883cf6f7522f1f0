"""What every agent page shares: a content security policy under which customer content
shown in it can never run script (scripts from our origin only, no framing), and the
way a form shows an action's refusal, and how a page tells a navigation from the live
script's refetch of it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

AGENT_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def render_agent_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Content-Security-Policy"] = AGENT_PAGE_POLICY
    return response


# The header the live script (klient/live/static/live/live.js) sends when it refetches the
# page it is on to refresh its regions.
LIVE_REFRESH_HEADER = "X-Klient-Live"


def live_refresh(request: HttpRequest) -> bool:
    """True for the live script's refetch, which shows nothing until it is swapped in (and
    is held back while the agent types), so it reads nothing on her behalf."""
    return request.headers.get(LIVE_REFRESH_HEADER) == "1"


def show_errors(form: Any, exc: ValidationError) -> None:
    """Put an action's refusals on the form's fields (or above it when a refusal is about
    no field of the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, problems in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
