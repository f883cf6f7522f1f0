"""Sending chat frames to the chat's sockets from sync code (an agent's reply delivered
by the worker, a visitor's message stored in a consumer's thread).

Group: one per session ("chat.session.<id>"); a conversation has one session, so a socket
that joined before the first message made the conversation gets every frame too.

As klient.live.bridge does for the agents' sockets (chat sits below live and may not import
it): channels-redis is reachable from any thread or process; the in-memory layer belongs to
the event loop of the server's sockets, so sends to it are handed to that loop."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

_socket_loop: asyncio.AbstractEventLoop | None = None
HANDOFF_TIMEOUT_SECONDS = 10

# Channel-layer message types, handled by ChatConsumer.chat_entry / chat_typing.
ENTRY = "chat.entry"
TYPING = "chat.typing"


def session_group(session_id: int) -> str:
    return f"chat.session.{session_id}"


def remember_socket_loop() -> None:
    global _socket_loop
    _socket_loop = asyncio.get_running_loop()


async def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group, message)


def group_send(group: str, message: dict[str, Any]) -> None:
    """From sync code only."""
    layer = get_channel_layer()
    if layer is None:
        return
    if not isinstance(layer, InMemoryChannelLayer):
        async_to_sync(_send)(group, message)
        return
    loop = _socket_loop
    if loop is None or loop.is_closed() or not loop.is_running():
        return  # no socket in this process: nobody to tell
    asyncio.run_coroutine_threadsafe(_send(group, message), loop).result(
        timeout=HANDOFF_TIMEOUT_SECONDS
    )


def entry_stored(session_id: int, entry_id: int, seq: int) -> None:
    """Tell the session's sockets an entry exists; each reads it from the database."""
    group_send(session_group(session_id), {"type": ENTRY, "entry": entry_id, "seq": seq})


def agent_typing(session_id: int) -> None:
    """An agent is typing in this chat (for the agents' side to call)."""
    group_send(session_group(session_id), {"type": TYPING, "sender": "agent", "socket": ""})
