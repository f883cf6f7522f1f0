"""Live sockets in tests: channels' WebsocketCommunicator against klient.asgi.application
(session auth, origin check, routing: the same stack as the server), signed in with a real
session cookie."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client


class WebsocketCommunicator(ApplicationCommunicator):  # type: ignore[misc]
    """channels.testing.WebsocketCommunicator's API, on asgiref's communicator: importing
    channels.testing pulls in daphne (for its live-server case) and Klient runs uvicorn."""

    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]]):
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": parsed.path,
            "query_string": parsed.query.encode(),
            "headers": headers,
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 1) -> tuple[bool, Any]:
        """(True, subprotocol) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, response.get("subprotocol")

    async def send_json_to(self, data: Any) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 1) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


ORIGIN = (b"origin", b"http://127.0.0.1:8000")
WAIT = 10  # seconds: an upper bound for a message that must arrive, not a measurement


def session_header(user: Any) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return (b"cookie", f"{name}={client.cookies[name].value}".encode())


def socket(user: Any | None, path: str = "/ws/live/", *, origin=ORIGIN) -> WebsocketCommunicator:
    from klient.asgi import application

    headers = [origin] if origin else []
    if user is not None:
        headers.append(session_header(user))
    return WebsocketCommunicator(application, path, headers=headers)


def conversation_path(conversation: Any) -> str:
    return f"/ws/live/c/{conversation.reference}/"
