"""Sending chat frames to the chat's sockets from sync code (an agent's reply delivered
by the worker, a visitor's message stored in a consumer's thread).

Group: one per session ("chat.session.<id>"); a conversation has one session, so a socket
that joined before the first message made the conversation gets every frame too.

Through klient.core.socket_bridge, as the agents' live sockets: channels-redis is reachable
from any thread or process; the in-memory layer belongs to the event loop of the server's
sockets, so sends to it are handed to that loop."""

from __future__ import annotations

from klient.core import socket_bridge

# Channel-layer message types, handled by ChatConsumer.chat_entry / chat_typing.
ENTRY = "chat.entry"
TYPING = "chat.typing"

remember_socket_loop = socket_bridge.remember_socket_loop
group_send = socket_bridge.group_send


def session_group(session_id: int) -> str:
    return f"chat.session.{session_id}"


def entry_stored(session_id: int, entry_id: int, seq: int) -> None:
    """Tell the session's sockets an entry exists; each reads it from the database."""
    group_send(session_group(session_id), {"type": ENTRY, "entry": entry_id, "seq": seq})


def agent_typing(session_id: int) -> None:
    """An agent is typing in this chat (for the agents' side to call)."""
    group_send(session_group(session_id), {"type": TYPING, "sender": "agent", "socket": ""})
