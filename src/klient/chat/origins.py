"""Web origins for the chat widget, pure Python: an origin is scheme://host[:port], the
form a browser sends in its Origin header, compared exactly (lower-case, no default port)."""

from __future__ import annotations

from urllib.parse import urlsplit


class InvalidOrigin(ValueError):
    pass


_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(value: str) -> str:
    """The stored form of an origin; InvalidOrigin for anything with a path, query, user or
    a scheme other than http(s)."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidOrigin(f"not an origin: {value!r}") from exc
    if (
        parts.scheme.lower() not in _DEFAULT_PORTS
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
        or text.endswith("/")
    ):
        raise InvalidOrigin(f"not an origin (scheme://host[:port]): {value!r}")
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def of_url(url: str) -> str:
    """The origin of a full URL (KLIENT_BASE_URL), "" when it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    try:
        return normalise(f"{parts.scheme}://{parts.netloc}")
    except InvalidOrigin:
        return ""


def allowed(origin: str | None, allowed_origins: list[str], base_url: str) -> bool:
    """Whether a request with this Origin header may open or use a chat: no header (not a
    browser page) or one of the team's origins or the desk's own."""
    if origin is None:
        return True
    try:
        given = normalise(origin)
    except InvalidOrigin:
        return False
    return given in allowed_origins or given == of_url(base_url)
