"""What promises do after other changes commit (klient.core.wiring): a reply offers the
promises it holds and, like a call, a booking or a resolution, keeps the older ones
(klient.promises.tracking). Only dotted paths here: this table is read while the apps load."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind
from klient.phone.events import Kind as PhoneKind
from klient.scheduling.events import Kind as SchedulingKind

ON_ACTIVITY = ["klient.promises.tracking.on_activity"]

HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.MESSAGE_OUTBOUND_QUEUED: ON_ACTIVITY,
    ConversationKind.STATUS_CHANGED: ON_ACTIVITY,
    PhoneKind.CALL_LOGGED: ON_ACTIVITY,
    SchedulingKind.APPOINTMENT_BOOKED: ON_ACTIVITY,
}
