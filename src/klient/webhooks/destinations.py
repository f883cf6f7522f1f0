"""Where a webhook may be sent: http or https to public addresses only (SSRF guard).

A destination is checked when an endpoint is created or changed AND at every delivery: the
host is resolved, every address it resolves to must be public (not loopback, private,
link-local, multicast, reserved, unspecified, shared or a cloud metadata address), and the
delivery then connects to one of the checked addresses, so a DNS answer that changes
between the check and the connection cannot send it elsewhere. Hosts named in
KLIENT_WEBHOOK_ALLOWED_HOSTS (comma-separated host names, e.g. an internal receiver, or
127.0.0.1 in tests) skip the address check."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
SCHEMES = {"http": 80, "https": 443}

Resolver = Callable[[str, int], list[str]]


class RefusedDestination(ValueError):
    """The URL may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Destination:
    """A checked URL: connect to `address` (one of the checked ones), send Host `host`."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]

    @property
    def address(self) -> str:
        return self.addresses[0]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def allowed_hosts() -> frozenset[str]:
    configured = getattr(settings, "KLIENT_WEBHOOK_ALLOWED_HOSTS", None)
    if configured is None:
        configured = os.environ.get("KLIENT_WEBHOOK_ALLOWED_HOSTS", "")
    if isinstance(configured, str):
        configured = configured.split(",")
    return frozenset(name.strip().lower().strip("[]") for name in configured if name.strip())


def refusal(address: str) -> str | None:
    """Why a webhook may not go to this IP address; None if it may (pure)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "a cloud metadata address"
    for test, what in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, test):
            return what
    if not ip.is_global:
        return "an address that is not public"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedDestination(f"{host} does not resolve: {exc}") from exc
    found: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in found:
            found.append(address)
    return found


def parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and request path of a webhook URL; refuses anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise RefusedDestination(f"not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise RefusedDestination("only http and https URLs can receive webhooks")
    host = (parts.hostname or "").lower()
    if not host:
        raise RefusedDestination("the URL has no host")
    if parts.username or parts.password:
        raise RefusedDestination("the URL may not carry a user name or password")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or SCHEMES[scheme], path


def check(url: str, resolver: Resolver = resolve) -> Destination:
    """The URL as a Destination whose every address is allowed; RefusedDestination if not."""
    scheme, host, port, path = parse(url)
    addresses = resolver(host, port)
    if not addresses:
        raise RefusedDestination(f"{host} does not resolve")
    if host not in allowed_hosts():
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                shown = host if host == address else f"{host} ({address})"
                raise RefusedDestination(
                    f"webhooks may not go to {shown}: {reason} "
                    "(allow the host in KLIENT_WEBHOOK_ALLOWED_HOSTS if it is yours)"
                )
    return Destination(scheme, host, port, path, tuple(addresses))
