"""Sending to the channel layer from sync code in any thread or process: the agents' live
sockets (klient.live) and the visitors' chat sockets (klient.chat) both go through here.

channels-redis (REDIS_URL set) is reachable from anywhere, so a worker process publishes
straight to Redis. The in-memory layer of embedded mode is not thread-safe: its queues
belong to the web server's event loop, and a put from the worker thread would not wake
that loop. So sends to it are handed to the loop the sockets live on (recorded when a
socket connects); without one, no socket is connected in this process and nobody needs
the message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

Outgoing = list[tuple[str, dict[str, Any]]]

_socket_loop: asyncio.AbstractEventLoop | None = None
HANDOFF_TIMEOUT_SECONDS = 10


def remember_socket_loop() -> None:
    """Called from a consumer: the loop of this process's sockets."""
    global _socket_loop
    _socket_loop = asyncio.get_running_loop()


async def _send_all(layer: BaseChannelLayer, outgoing: Outgoing) -> None:
    for group, message in outgoing:
        await layer.group_send(group, message)


def group_send_all(outgoing: Outgoing) -> None:
    """Send each (group, message); from sync code only."""
    layer = get_channel_layer()
    if layer is None or not outgoing:
        return
    if not isinstance(layer, InMemoryChannelLayer):
        async_to_sync(_send_all)(layer, outgoing)
        return
    loop = _socket_loop
    if loop is None or loop.is_closed() or not loop.is_running():
        return
    future = asyncio.run_coroutine_threadsafe(_send_all(layer, outgoing), loop)
    future.result(timeout=HANDOFF_TIMEOUT_SECONDS)


def group_send(group: str, message: dict[str, Any]) -> None:
    """One (group, message); from sync code only."""
    group_send_all([(group, message)])
