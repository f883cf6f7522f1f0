"""The widget's socket, ws/chat/?session=TOKEN: resume by seq, send with ack, typing
(protocol in docs/chat.md).

Exactly once, in order: a socket keeps the highest seq it has sent (`sent_seq`). Its first
`resume` replays everything after the client's last_seq from the database; later, a notice
that an entry exists makes it send, again from the database, everything after `sent_seq`.
So a notice lost, late or out of order costs nothing, and nothing is ever sent twice on
one socket. Notices that arrive before the resume are ignored: the resume reads them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError

from klient.core.transactions import entry_point

from . import actions, push, queries

# Closing before accept refuses the handshake: the browser sees HTTP 403 for either.
FORBIDDEN_ORIGIN = 4403
UNKNOWN_SESSION = 4404


def _headers(scope: dict[str, Any]) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", [])}


def _check_socket(token: str | None, origin: str | None) -> tuple[int | None, int]:
    """(session id, 0), or (None, the close code) for an unknown session or origin."""
    session = queries.session_by_token(token)
    if session is None:
        return None, UNKNOWN_SESSION
    if not queries.origin_allowed(session.team_id, origin):
        return None, FORBIDDEN_ORIGIN
    actions.touch(session)
    return session.pk, 0


def _replay(session_id: int, after: int) -> list[dict[str, Any]]:
    from .models import ChatSession

    conversation_id = (
        ChatSession.objects.filter(pk=session_id).values_list("conversation_id", flat=True).first()
    )
    return queries.frames_after(conversation_id, after)


def _send(session_id: int, client_id: Any, text: Any) -> actions.Ack:
    """A send frame is an entry point: its durable transaction has committed when this
    returns, so the ack that follows never names a message that could still roll back."""
    from .models import ChatSession

    with entry_point():
        session = ChatSession.objects.get(pk=session_id)
        return actions.send(session, client_id=client_id, text=text)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        push.remember_socket_loop()
        self.session_id: int | None = None
        self.resumed = False
        self.sent_seq = 0
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("session") or [None])[0]
        raw_origin = _headers(self.scope).get(b"origin")
        origin = raw_origin.decode("latin-1") if raw_origin is not None else None
        session_id, refusal = await database_sync_to_async(_check_socket)(token, origin)
        if session_id is None:
            await self.close(code=refusal)
            return
        self.session_id = session_id
        self.group = push.session_group(session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.session_id is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            content = json.loads(text_data or "")
        except ValueError:
            await self._error("The frame is not JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "resume":
            await self._resume(content)
        elif kind == "send":
            await self._send_message(content)
        elif kind == "typing":
            await self.channel_layer.group_send(
                self.group, {"type": push.TYPING, "sender": "customer", "socket": self.channel_name}
            )
        else:
            await self._error("Unknown frame type; use resume, send or typing.")

    async def _error(self, detail: str) -> None:
        await self.send_json({"type": "error", "detail": detail})

    async def _resume(self, content: dict[str, Any]) -> None:
        last_seq = content.get("last_seq")
        if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
            await self._error("resume needs last_seq, a whole number from 0.")
            return
        self.sent_seq = last_seq
        self.resumed = True
        await self._catch_up()

    async def _catch_up(self) -> None:
        for frame in await database_sync_to_async(_replay)(self.session_id, self.sent_seq):
            if frame["seq"] > self.sent_seq:
                await self.send_json(frame)
                self.sent_seq = frame["seq"]

    async def _send_message(self, content: dict[str, Any]) -> None:
        try:
            ack = await database_sync_to_async(_send)(
                self.session_id, content.get("client_id"), content.get("text")
            )
        except ValidationError as exc:
            await self._error(" ".join(exc.messages))
            return
        # Stored and committed before the ack goes out: an acked message is never lost.
        await self.send_json(
            {
                "type": "ack",
                "client_id": ack.client_id,
                "seq": ack.seq,
                "conversation": ack.conversation,
            }
        )
        if ack.stored:
            await self.channel_layer.group_send(
                self.group, {"type": push.ENTRY, "entry": ack.entry_id, "seq": ack.seq}
            )

    # Channel-layer messages -------------------------------------------------------------

    async def chat_entry(self, message: dict[str, Any]) -> None:
        if self.resumed and message["seq"] > self.sent_seq:
            await self._catch_up()

    async def chat_typing(self, message: dict[str, Any]) -> None:
        # The visitor's own typing is not echoed to their other tabs.
        if message.get("sender") != "customer":
            await self.send_json({"type": "typing", "sender": message.get("sender", "agent")})
