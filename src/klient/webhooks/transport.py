"""One HTTP POST of a webhook to a checked destination (stdlib http.client).

http.client because it is in the standard library (no HTTP client library is installed)
and because it lets the connection go to the exact address the SSRF check approved, with
the URL's host kept for the Host header and for TLS (SNI and certificate check). It never
follows redirects; the caller treats 3xx as a failure."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .destinations import Destination

TIMEOUT_SECONDS = 10.0
MAX_READ = 64 * 1024  # enough of an answer to finish the exchange; the body is not kept


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None
    retry_after: str | None
    duration_ms: int


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed IP address, verifying the certificate for the URL's host name."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(
            destination.host,
            destination.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self._address = destination.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(destination: Destination, timeout: float) -> http.client.HTTPConnection:
    if destination.scheme == "https":
        return _PinnedHTTPSConnection(destination, timeout)
    # Plain http: connect to the checked address itself; Host is set by hand below.
    return http.client.HTTPConnection(destination.address, destination.port, timeout=timeout)


def post(
    destination: Destination,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> Answer:
    """POST the body; the receiver's status and the headers that matter. Raises OSError
    (refused, reset, timed out) or http.client.HTTPException for a broken answer."""
    started = time.monotonic()
    connection = _connection(destination, timeout)
    try:
        connection.putrequest("POST", destination.path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", destination.host_header)
        connection.putheader("User-Agent", "Klient-Webhooks/1")
        connection.putheader("Content-Length", str(len(body)))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        response.read(MAX_READ)
        return Answer(
            status=response.status,
            location=response.getheader("Location"),
            retry_after=response.getheader("Retry-After"),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    finally:
        connection.close()
