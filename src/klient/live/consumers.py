"""The agents' live socket: change notices for everything in their scope, and, on a
conversation page, who else is viewing or typing (collision detection). Protocol in
docs/live.md."""

from __future__ import annotations

import secrets
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from klient.conversations.access import conversations_in_scope
from klient.conversations.models import Conversation
from klient.core import socket_bridge as bridge
from klient.people import presence
from klient.people.queries import agent_profile

from . import groups

# Close codes (4000-4999 are the application's). Closing before accept refuses the
# handshake: the browser sees HTTP 403 either way.
NOT_SIGNED_IN = 4401
NOT_IN_SCOPE = 4404

VIEWING = "viewing"
TYPING = {"reply": "typing-reply", "note": "typing-note"}
LEFT = "left"
# A client may not make its socket broadcast the same presence more often than this.
MIN_REPEAT_SECONDS = 1.0


def _conversation_in_scope(user: Any, reference: str) -> int | None:
    pk = Conversation.pk_from_reference(reference)
    if pk is None or not conversations_in_scope(user).filter(pk=pk).exists():
        return None
    return pk


def _heartbeat(user: Any) -> None:
    if agent_profile(user) is not None:  # a signed-in user without a profile is no agent
        presence.heartbeat(user)


def _display_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """ws/live/ (inbox and every page) and ws/live/c/<reference>/ (a conversation)."""

    async def connect(self) -> None:
        bridge.remember_socket_loop()
        self.joined: list[str] = []
        self.presence_group = ""
        self.state = VIEWING
        self.last_broadcast = (0.0, "")
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=NOT_SIGNED_IN)
            return
        reference = self.scope["url_route"]["kwargs"].get("reference")
        if reference is not None:
            pk = await database_sync_to_async(_conversation_in_scope)(user, reference)
            if pk is None:
                await self.close(code=NOT_IN_SCOPE)
                return
            self.presence_group = groups.conversation(pk)
        self.socket_id = secrets.token_hex(8)
        self.person = {"id": user.pk, "name": _display_name(user)}
        names = await database_sync_to_async(groups.for_user)(user)
        if self.presence_group:
            names.append(self.presence_group)
        for name in names:
            await self.channel_layer.group_add(name, self.channel_name)
        self.joined = names
        await self.accept()
        self.user = user
        self.beat_at = 0.0
        await self._record_heartbeat()
        if self.presence_group:
            await self._broadcast(VIEWING, hello=True)

    async def disconnect(self, code: int) -> None:
        if self.presence_group and self.joined:
            await self._broadcast(LEFT)
        for name in self.joined:
            await self.channel_layer.group_discard(name, self.channel_name)
        self.joined = []

    async def _record_heartbeat(self) -> None:
        """The agent's workspace is connected (klient.people.presence: routing gives
        real-time work only to connected agents), written at most every
        KLIENT_PRESENCE_HEARTBEAT_SECONDS however many pages beat."""
        now = time.monotonic()
        if now - self.beat_at < settings.KLIENT_PRESENCE_HEARTBEAT_SECONDS and self.beat_at:
            return
        self.beat_at = now
        await database_sync_to_async(_heartbeat)(self.user)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Heartbeats and typing state from the page; anything else is ignored."""
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "heartbeat":
            await self._record_heartbeat()
        if not self.presence_group:
            return
        if kind == "heartbeat":
            await self._broadcast(self.state, force=True)
        elif kind == "typing" and content.get("what") in TYPING:
            await self._broadcast(TYPING[content["what"]])
        elif kind == "idle":
            await self._broadcast(VIEWING)

    async def _broadcast(self, state: str, *, hello: bool = False, force: bool = False) -> None:
        now = time.monotonic()
        last_at, last_state = self.last_broadcast
        if not (hello or force) and state == last_state and now - last_at < MIN_REPEAT_SECONDS:
            return
        self.state = state if state != LEFT else self.state
        self.last_broadcast = (now, state)
        await self.channel_layer.group_send(
            self.presence_group,
            {
                "type": "presence.update",
                "socket": self.socket_id,
                "user": self.person,
                "state": state,
                "hello": hello,
            },
        )

    # Channel-layer message handlers ("presence.update" -> presence_update).

    async def presence_update(self, message: dict[str, Any]) -> None:
        if message["socket"] == self.socket_id:
            return
        await self.send_json(
            {
                "type": "presence",
                "socket": message["socket"],
                "user": message["user"],
                "state": message["state"],
            }
        )
        if message.get("hello"):
            # A newcomer: tell it who is already here.
            await self._broadcast(self.state, force=True)

    async def notifications_changed(self, message: dict[str, Any]) -> None:
        """The agent was notified: the page refreshes its bell."""
        await self.send_json({"type": "notifications.changed"})

    async def conversations_changed(self, message: dict[str, Any]) -> None:
        """A batch of change notices for one group: the page gets one JSON message each."""
        for notice in message["changes"]:
            await self.send_json(
                {
                    "type": "conversation.changed",
                    "reference": notice["reference"],
                    "kinds": notice["kinds"],
                    "event": notice["event"],
                }
            )
