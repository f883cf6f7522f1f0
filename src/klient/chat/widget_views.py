"""The chat widget's public files: the loader a customer's page embeds (/chat/widget.js), the
app it fetches on first open (/chat/app.js) and a sample host page (/chat/demo/).

The scripts are served by a view rather than under /static/ because the tag's address is a
contract (`{KLIENT_BASE_URL}/chat/widget.js`) that must not move with STATIC_URL or hashing,
and because the loader carries the app's version so the app itself can be cached for long."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

STATIC = Path(__file__).resolve().parent / "static" / "chat"
LANGUAGES = ("en", "fr", "pl", "de", "uk")
# The loader is the customer's entry point: a short cache so a fix reaches every site within
# minutes. The app is asked for with its hash (?v=…), so a new version is a new address.
LOADER_MAX_AGE = 300
APP_MAX_AGE = 7 * 24 * 3600


@cache
def _app() -> tuple[bytes, str]:
    body = (STATIC / "app.js").read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:16]


@cache
def _loader() -> tuple[bytes, str]:
    _, version = _app()
    body = (STATIC / "loader.js").read_bytes().replace(b"__KLIENT_APP_VERSION__", version.encode())
    return body, hashlib.sha256(body).hexdigest()[:16]


def _script(request: HttpRequest, body: bytes, etag: str, max_age: int) -> HttpResponse:
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = quoted
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Any site may load a static script; what it may then do is decided per team by the
    # session endpoint's and the socket's origin checks.
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe  # HEAD too: uptime checks and CDNs ask for it
def loader(request: HttpRequest) -> HttpResponse:
    body, etag = _loader()
    return _script(request, body, etag, LOADER_MAX_AGE)


@require_safe
def app(request: HttpRequest) -> HttpResponse:
    body, etag = _app()
    return _script(request, body, etag, APP_MAX_AGE)


@require_GET
def demo(request: HttpRequest) -> HttpResponse:
    """A customer's page as it would embed the widget; ?team= and ?lang= pick what to try."""
    lang = request.GET.get("lang", "en")
    return render(
        request,
        "chat/demo.html",
        {
            "base_url": settings.KLIENT_BASE_URL.rstrip("/"),
            "team": request.GET.get("team", "Support"),
            "lang": lang if lang in LANGUAGES else "en",
        },
    )
