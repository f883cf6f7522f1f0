"""The channels a conversation is answered on: each one a plug-in, named in one table.

A channel declares three things:
- the identity kind a customer is reached at on it (people.identities: email, phone, chat);
- how it composes an outbound message: `compose(conversation, *, to, author=None)`
  returns the Message's addressing fields (`Outbound`): from (the author's name with the
  team's, for email), to, subject, and for email its Message-ID and threading;
- how it delivers: `deliver(delivery_ids)` takes the ids of its pending Delivery rows,
  delivers each idempotently and records the outcome with
  `conversations.actions.record_delivery_outcome`.

Functions are named by dotted path, as in core.wiring, so a channel living in a higher
layer (mail) plugs in here without conversations importing it. Later channels (chat,
SMS by webhook) add a row to BUILT_IN, or call register() from their app."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from .models import Conversation

logger = logging.getLogger(__name__)

EMAIL = "email"


@dataclass(frozen=True)
class Outbound:
    """The addressing of one outbound message, as a channel composes it."""

    from_address: str
    from_name: str
    to: list[str]
    subject: str
    message_id: str | None = None
    in_reply_to: str = ""
    references: str = ""


class Composer(Protocol):
    """`author`: the agent who wrote it; None for an automatic message."""

    def __call__(self, conversation: Conversation, *, to: str, author: Any = None) -> Outbound: ...


@dataclass(frozen=True)
class Channel:
    name: str
    identity_kind: str
    compose: str
    deliver: str
    # The channel whose deliveries carry its answers, when it has no transport of its own:
    # a web-form conversation is answered by email (and shown in the portal).
    delivered_by: str = ""
    # Whether Klient itself can send on it (an automatic acknowledgement). A logged call is
    # something a person said: Klient cannot "send" one, so it acknowledges by email.
    automatic: bool = True
    # The channel its conversations are answered on when the customer cannot be reached on
    # this one: a chat whose visitor is known only by a proven email (say, one that began
    # before the widget existed, or continued by email) is answered by email.
    falls_back_to: str = ""

    @property
    def delivery_channel(self) -> str:
        return self.delivered_by or self.name

    def composer(self) -> Composer:
        composer: Composer = _resolve(self.compose)
        return composer


_MAIL_COMPOSE = "klient.mail.channel.compose"
_MAIL_DELIVER = "klient.mail.channel.deliver"

BUILT_IN: tuple[Channel, ...] = (
    Channel(EMAIL, identity_kind="email", compose=_MAIL_COMPOSE, deliver=_MAIL_DELIVER),
    Channel(
        "web",
        identity_kind="email",
        compose=_MAIL_COMPOSE,
        deliver=_MAIL_DELIVER,
        delivered_by=EMAIL,
    ),
    # A logged call: the agent records what they told the customer on the phone. There is
    # no transport: its delivery is recorded as delivered at once, and it is an answer.
    Channel(
        "phone",
        identity_kind="phone",
        compose="klient.conversations.phone_channel.compose",
        deliver="klient.conversations.phone_channel.deliver",
        automatic=False,
    ),
)

_channels: dict[str, Channel] = {channel.name: channel for channel in BUILT_IN}


class UnknownChannel(LookupError):
    pass


def register(channel: Channel) -> None:
    """Plug a channel in (or replace the one of that name)."""
    _channels[channel.name] = channel


def unregister(name: str) -> None:
    """Take a registered channel out; the built-in one of that name comes back."""
    _channels.pop(name, None)
    for channel in BUILT_IN:
        if channel.name == name:
            _channels[name] = channel


def names() -> list[str]:
    return sorted(_channels)


def get(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise UnknownChannel(name) from None


def deliverers() -> dict[str, str]:
    """Delivery.channel value -> the dotted path of the function that delivers it."""
    return {c.delivery_channel: _channels[c.delivery_channel].deliver for c in _channels.values()}


def deliver_for_events(event_ids: list[int]) -> None:
    """Handler (core.wiring) of message.outbound_queued and delivery.resend_requested: hand
    each channel the deliveries queued on it that are due, in one call per channel. A reply
    held for undo (KLIENT_UNDO_SEND_SECONDS) is not due yet: the sweep hands it over when it
    is. One channel failing is logged and does not stop the others (its rows stay pending
    for its sweep)."""
    from django.utils import timezone

    from klient.core.models import Event

    delivery_ids = [
        int(data["delivery"])
        for data in Event.objects.filter(pk__in=event_ids)
        .order_by("pk")
        .values_list("data", flat=True)
        if isinstance(data, dict) and data.get("delivery")
    ]
    _deliver_by_channel(delivery_ids, due_by=timezone.now())


def _deliver_by_channel(delivery_ids: list[int], *, due_by: datetime | None = None) -> int:
    """Hand each channel its deliveries (with `due_by`, only those due by then), in one call
    per channel; returns how many rows were handed over. One channel failing is logged and
    does not stop the others (its rows stay pending for the sweep)."""
    from .models import Delivery

    rows = Delivery.objects.filter(pk__in=delivery_ids)
    if due_by is not None:
        rows = rows.filter(next_attempt_at__lte=due_by)
    by_channel: dict[str, list[int]] = {}
    for pk, channel in rows.order_by("pk").values_list("pk", "channel"):
        by_channel.setdefault(channel, []).append(pk)
    paths = deliverers()
    handed = 0
    for channel, ids in by_channel.items():
        path = paths.get(channel)
        if path is None:
            logger.error("no channel delivers %s deliveries %s", channel, ids)
            continue
        try:
            _resolve(path)(ids)
            handed += len(ids)
        except Exception:
            logger.exception("channel %s failed to deliver %s", channel, ids)
    return handed


def redrive_due_deliveries(limit: int = 100) -> int:
    """Sweeper (core.wiring.SWEEPS), for every channel: deliveries whose dispatch was lost,
    whose retry is due, or whose worker died (lease expired) go to their channel again.
    Returns how many were handed over."""
    from klient.core import work

    from .delivery_work import DELIVERY_WORK

    return _deliver_by_channel(work.due(DELIVERY_WORK, limit=limit))


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)
