"""A real HTTP receiver of webhooks on loopback (http.server in a thread, on a port the OS
picks): it keeps every request and answers as scripted, one scripted answer per request,
then 200. `verify` checks a request as a receiver would, with the `standardwebhooks`
package, at the moment the request was signed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from freezegun import freeze_time
from standardwebhooks import Webhook


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def signatures(self) -> list[str]:
        return self.headers["webhook-signature"].split(" ")


@dataclass
class Receiver:
    server: HTTPServer
    requests: list[Request] = field(default_factory=list)
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/klient"

    def answer_next(self, *answers: int | tuple[int, dict[str, str]]) -> None:
        with self.lock:
            for answer in answers:
                self.script.append(answer if isinstance(answer, tuple) else (answer, {}))

    def _next_answer(self) -> tuple[int, dict[str, str]]:
        with self.lock:
            return self.script.pop(0) if self.script else (200, {})


def verify(request: Request, secret: str) -> Any:
    """The payload if `secret` verifies the request (standardwebhooks raises otherwise),
    checked as at the moment of its webhook-timestamp."""
    signed_at = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), UTC)
    with freeze_time(signed_at):
        return Webhook(secret).verify(request.body, request.headers)


def start_receiver() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = holder["receiver"]
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            with receiver.lock:
                receiver.requests.append(Request(self.path, headers, body))
            status, extra = receiver._next_answer()
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server)
    holder["receiver"] = receiver
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
