"""A visitor's side of the chat in tests: the session opened over real HTTP, and tabs that are
real WebSocket clients (the websockets library) of the real server."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from websockets.sync.client import connect

WAIT = 10  # seconds: an upper bound for a frame that must arrive, not a measurement
SHOP = "https://shop.example"


def post_json(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """(status, decoded body) of a JSON POST."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def open_session(server: Any, team: str = "Support", *, origin: str = SHOP, **fields: Any) -> str:
    status, body = post_json(
        server.url + "/api/v1/chat/sessions", {"team": team, **fields}, {"Origin": origin}
    )
    assert status == 201, body
    return body["session"]


class Tab:
    """One browser tab's socket."""

    def __init__(self, server: Any, token: str, *, origin: str = SHOP) -> None:
        url = server.url.replace("http://", "ws://") + f"/ws/chat/?session={token}"
        self.exits = contextlib.ExitStack()
        self.socket = self.exits.enter_context(connect(url, origin=origin, open_timeout=WAIT))

    def send(self, frame: Any) -> None:
        self.socket.send(frame if isinstance(frame, str) else json.dumps(frame))

    def say(self, text: str, client_id: str | None = None) -> str:
        client_id = client_id or str(uuid.uuid4())
        self.send({"type": "send", "client_id": client_id, "text": text})
        return client_id

    def resume(self, last_seq: int = 0) -> None:
        self.send({"type": "resume", "last_seq": last_seq})

    def next(self, kind: str | None = None) -> dict[str, Any]:
        """The next frame (of `kind`, skipping others)."""
        while True:
            frame = json.loads(self.socket.recv(timeout=WAIT))
            if kind is None or frame["type"] == kind:
                return frame

    def close(self) -> None:
        self.exits.close()
