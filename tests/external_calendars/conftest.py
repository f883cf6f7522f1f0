"""A real CalDAV server (Radicale, as a subprocess on a free port, with htpasswd sign-in),
a real HTTP server for ICS feeds, and API calls with a bearer token."""

from __future__ import annotations

import base64
import http.client
import http.server
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ical_texts import PASSWORD, USER

from support import free_port, port_open


@dataclass
class Radicale:
    """A running Radicale; `new_calendar()` makes an empty calendar collection."""

    port: int
    log: Path

    def _request(self, method: str, path: str, body: str = "", content_type: str = "") -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def new_calendar(self) -> RadicaleCalendar:
        path = f"/{USER}/{uuid.uuid4().hex[:10]}/"
        status = self._request("MKCALENDAR", path)
        assert status == 201, status
        return RadicaleCalendar(self, path)


@dataclass
class RadicaleCalendar:
    server: Radicale
    path: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}{self.path}"

    def put(self, name: str, ics: str) -> None:
        status = self.server._request(
            "PUT", f"{self.path}{name}.ics", ics.replace("\n", "\r\n"), "text/calendar"
        )
        assert status in (201, 204), status

    def delete(self, name: str) -> None:
        assert self.server._request("DELETE", f"{self.path}{name}.ics") in (200, 204)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory) -> Iterator[Radicale]:
    root = tmp_path_factory.mktemp("radicale")
    users = root / "users"
    users.write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    log = root / "radicale.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{port}",
                "--storage-filesystem-folder",
                str(root / "collections"),
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(users),
                "--auth-htpasswd-encryption",
                "plain",
                "--auth-delay",
                "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Radicale did not start: {log.read_text()[-2000:]}")
            time.sleep(0.05)  # polling the port until it answers, bounded by the deadline
        yield Radicale(port, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class FeedServer:
    """An HTTP server on a free loopback port answering `body` (and `status`) at any path;
    `redirect_to` answers a 302 instead."""

    port: int = 0
    body: bytes = b""
    status: int = 200
    redirect_to: str = ""
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/agenda.ics"

    def serve(self, ics: str) -> None:
        self.body, self.status = ics.replace("\n", "\r\n").encode(), 200


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    feed = FeedServer()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed.requests.append(self.path)
            if feed.redirect_to:
                self.send_response(302)
                self.send_header("Location", feed.redirect_to)
                self.end_headers()
                return
            self.send_response(feed.status)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(feed.body)))
            self.end_headers()
            self.wfile.write(feed.body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    feed.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.KLIENT_CALENDAR_ALLOWED_HOSTS = "127.0.0.1"
