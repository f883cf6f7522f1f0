"""Every state-changing request needs a CSRF token: each URL of the site, found from the URL
resolver (so a view added tomorrow is covered), refuses a POST without one with 403 — for a
signed-in agent as for a visitor. The API is not cookie-authenticated (bearer tokens), so it
is the one exception."""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Not cookie-authenticated: nothing a browser's ambient credentials could be used against.
NOT_COOKIE_AUTHENTICATED = ("api/",)
# Deliberate, reviewed exemptions (path -> why). Keep this list short.
EXEMPT = {
    # The request form framed on a customer's own site: anonymous, no session to ride on,
    # protected by a honeypot and rate limits instead (klient.portal, docs/portal.md).
    "/forms/sample/embed",
}
SAMPLE_VALUE = {
    "int": "1",
    "str": "K-1001",
    "slug": "sample",
    "uuid": str(uuid.UUID(int=1)),
    "path": "sample",
}


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


def _sample_url(pattern: str) -> str:
    """A concrete path for a route such as `c/<str:ref>/tags/` or a regex route."""
    import re

    def typed(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return SAMPLE_VALUE.get(converter, "1")

    url = re.sub(r"<(?:(\w+):)?\w+>", typed, pattern)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)  # regex groups (admin)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + url


def routes():
    return sorted(
        {
            _sample_url(p)
            for p in _routes(get_resolver())
            if not p.startswith(NOT_COOKIE_AUTHENTICATED)
        }
        - EXEMPT
    )


def test_the_resolver_lists_the_workspace_pages():
    found = routes()
    assert "/bulk/" in found
    assert "/c/K-1001/tags/" in found
    assert "/sign-in/" in found


@pytest.mark.parametrize("url", routes())
def test_a_post_without_csrf_token_is_refused(db, agent_anna, url):
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(agent_anna)
    visitor = Client(enforce_csrf_checks=True)

    assert signed_in.post(url, {"x": "1"}).status_code == 403, url
    assert visitor.post(url, {"x": "1"}).status_code == 403, url
