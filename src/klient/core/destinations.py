"""Where Klient may connect when a user gives it a URL (external calendars, outgoing
webhooks): the guard against server-side request forgery.

A URL is refused unless it is http or https, and every address its host resolves to is a
public one (`ipaddress`'s `is_global`: not loopback, private, link-local such as the cloud
metadata address 169.254.169.254, shared, reserved, multicast or unspecified; an
IPv4-mapped IPv6 address counts as its IPv4 one), or its host is one the operator allows
(`allowed_hosts`, e.g. from KLIENT_CALENDAR_ALLOWED_HOSTS). The check resolves the host
once and `pinned_session` connects only to the addresses checked, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot slip through;
redirects are not followed (a redirect could point anywhere). Callers check when a URL is
given and again at every fetch."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SCHEMES = {"http": 80, "https": 443}


class RefusedDestination(ValueError):
    """The URL may not be connected to; the message says why, in plain words."""


@dataclass(frozen=True)
class Destination:
    """A checked URL: its host and port, and the addresses Klient may connect to."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]
    path: str = "/"  # path and query, as sent in the request line

    @property
    def address(self) -> str:
        return self.addresses[0]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def allowed_hosts(value: str | Iterable[str] | None) -> frozenset[str]:
    """Hosts from a comma-separated setting (or a list), lower-case, without blanks."""
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(item.strip().lower().strip("[]") for item in items if item.strip())


METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)

Resolver = Callable[[str, int], Sequence[str]]


def refusal(address: str) -> str | None:
    """Why Klient may not connect to this IP address, in plain words; None if it may."""
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


def is_public(address: str) -> bool:
    return refusal(address) is None


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedDestination(f"the host {host} cannot be resolved ({exc})") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if (address := str(sockaddr[0])) not in addresses:
            addresses.append(address)
    return tuple(addresses)


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL without credentials in it."""
    return _split(url)[:3]


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise RefusedDestination(f"not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise RefusedDestination("only http and https URLs are accepted")
    if not parts.hostname:
        raise RefusedDestination("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedDestination("put no user name or password in the URL")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname.lower(), port or SCHEMES[scheme], path


def check(
    url: str,
    *,
    allowed: Iterable[str] = (),
    setting: str = "",
    resolver: Resolver = resolve,
) -> Destination:
    """The URL as a Destination, or RefusedDestination saying why it may not be used.
    `setting` names the operator's allow-list in the message (e.g. KLIENT_WEBHOOK_ALLOWED_HOSTS)."""
    scheme, host, port, path = _split(url)
    addresses = tuple(resolver(host, port))
    if not addresses:
        raise RefusedDestination(f"the host {host} has no address")
    if host not in allowed_hosts(allowed):
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                shown = host if host == address else f"{host} ({address})"
                where = setting or "the allowed hosts"
                raise RefusedDestination(
                    f"{shown} is {reason}; an operator can allow the host in {where} "
                    "if it is theirs"
                )
    return Destination(
        url=url.strip(), scheme=scheme, host=host, port=port, addresses=addresses, path=path
    )


def pinned_session(destination: Destination, *, timeout: float = 30) -> Any:
    """An HTTP session (niquests) that connects to `destination.host` only at its checked
    addresses (TLS still verifies the host's certificate and sends its name), ignores
    proxy settings from the environment and refuses to follow redirects."""
    import niquests
    from niquests.packages.urllib3.contrib.resolver.in_memory import InMemoryResolver

    resolver = InMemoryResolver()
    for address in destination.addresses:
        resolver.register(destination.host, address)
    session = niquests.Session(resolver=resolver, timeout=timeout)
    session.trust_env = False  # an HTTP(S)_PROXY would connect somewhere unchecked
    session.max_redirects = 0
    return session
