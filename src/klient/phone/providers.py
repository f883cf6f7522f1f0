"""What each telephony provider's webhook says about a call, read into one CallReport.

Pure Python: the field names and states are each provider's own (from their webhook
references); everything after this module speaks only CallReport."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

EVENTS = ("started", "answered", "ended", "missed")
DIRECTIONS = ("inbound", "outbound")
PROVIDERS = ("generic", "twilio", "vonage", "aircall")
MAX_CALL_ID = 200
MAX_URL = 2000


class UnreadablePayload(ValueError):
    """A genuine webhook whose content says nothing Klient can record (422)."""


@dataclass(frozen=True)
class CallReport:
    provider: str
    call_id: str
    # One per provider event of one call: the same event delivered again is a replay.
    event_key: str
    event: str  # started | answered | ended | missed
    direction: str  # inbound | outbound
    from_number: str
    to_number: str
    started_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: int | None = None
    agent_email: str = ""
    recording_url: str = ""
    transcript: str = ""

    def __post_init__(self) -> None:
        # What the call record can hold; refused (422) rather than cut.
        if not 0 < len(self.call_id) <= MAX_CALL_ID:
            raise UnreadablePayload(f"a call id is 1 to {MAX_CALL_ID} characters")
        if len(self.recording_url) > MAX_URL:
            raise UnreadablePayload(f"a recording URL is at most {MAX_URL} characters")

    @property
    def customer_number(self) -> str:
        return self.from_number if self.direction == "inbound" else self.to_number

    @property
    def desk_number(self) -> str:
        return self.to_number if self.direction == "inbound" else self.from_number


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _iso(value: Any) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UnreadablePayload(f"{text[:40]!r} is not an ISO 8601 date and time") from None
    if at.tzinfo is None:
        raise UnreadablePayload(f"{text[:40]!r} has no UTC offset")
    return at


def _epoch(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise UnreadablePayload(f"{_text(value)[:40]!r} is not Unix seconds") from None


def _seconds(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        seconds = int(float(str(value)))
    except ValueError:
        raise UnreadablePayload(f"{_text(value)[:40]!r} is not a number of seconds") from None
    if seconds < 0:
        raise UnreadablePayload("a duration cannot be negative")
    return seconds


def _required(payload: Mapping[str, Any], *names: str) -> None:
    missing = [name for name in names if not _text(payload.get(name))]
    if missing:
        raise UnreadablePayload(f"missing {', '.join(missing)}")


def read_generic(payload: Mapping[str, Any]) -> CallReport:
    """The generic format (docs/telephony.md)."""
    _required(payload, "call_id", "event", "direction", "from", "to", "started_at")
    event, direction = _text(payload["event"]), _text(payload["direction"])
    if event not in EVENTS:
        raise UnreadablePayload(f"event must be one of {', '.join(EVENTS)}")
    if direction not in DIRECTIONS:
        raise UnreadablePayload(f"direction must be one of {', '.join(DIRECTIONS)}")
    call_id = _text(payload["call_id"])
    return CallReport(
        provider="generic",
        call_id=call_id,
        event_key=f"{call_id}:{event}",
        event=event,
        direction=direction,
        from_number=_text(payload["from"]),
        to_number=_text(payload["to"]),
        agent_email=_text(payload.get("agent_email")),
        started_at=_iso(payload["started_at"]),
        answered_at=_iso(payload.get("answered_at")),
        ended_at=_iso(payload.get("ended_at")),
        duration_seconds=_seconds(payload.get("duration_seconds")),
        recording_url=_text(payload.get("recording_url")),
        transcript=_text(payload.get("transcript")),
    )


# Twilio's CallStatus values (Voice status callbacks) -> Klient's event.
TWILIO_STATUSES = {
    "queued": "started",
    "initiated": "started",
    "ringing": "started",
    "in-progress": "answered",
    "completed": "ended",
    "busy": "missed",
    "no-answer": "missed",
    "canceled": "missed",
    "failed": "missed",
}


def read_twilio(params: Mapping[str, str]) -> CallReport:
    """A Voice status callback (form parameters CallSid, CallStatus, Direction, From,
    To, CallDuration, Timestamp, RecordingUrl)."""
    _required(params, "CallSid", "CallStatus", "From", "To")
    status = params["CallStatus"]
    if status not in TWILIO_STATUSES:
        raise UnreadablePayload(f"unknown CallStatus {status[:20]!r}")
    event = TWILIO_STATUSES[status]
    stamp = None
    if params.get("Timestamp"):
        try:
            stamp = parsedate_to_datetime(params["Timestamp"])
        except (TypeError, ValueError):
            raise UnreadablePayload("Timestamp is not an RFC 2822 date") from None
    call_id = params["CallSid"]
    return CallReport(
        provider="twilio",
        call_id=call_id,
        event_key=f"{call_id}:{status}",
        event=event,
        direction="inbound" if params.get("Direction", "inbound") == "inbound" else "outbound",
        from_number=params["From"],
        to_number=params["To"],
        started_at=stamp if event == "started" else None,
        answered_at=stamp if event == "answered" else None,
        ended_at=stamp if event in ("ended", "missed") else None,
        duration_seconds=_seconds(params.get("CallDuration")),
        recording_url=params.get("RecordingUrl", ""),
    )


# Vonage's call status values (Voice API event webhook) -> Klient's event.
VONAGE_STATUSES = {
    "started": "started",
    "ringing": "started",
    "answered": "answered",
    "completed": "ended",
    "busy": "missed",
    "cancelled": "missed",
    "unanswered": "missed",
    "timeout": "missed",
    "failed": "missed",
    "rejected": "missed",
}


def read_vonage(payload: Mapping[str, Any]) -> CallReport:
    """An event webhook (uuid, status, direction, from, to, timestamp, start_time,
    end_time, duration, recording_url)."""
    _required(payload, "uuid", "status", "from", "to")
    status = _text(payload["status"])
    if status not in VONAGE_STATUSES:
        raise UnreadablePayload(f"unknown status {status[:20]!r}")
    event = VONAGE_STATUSES[status]
    stamp = _iso(payload.get("timestamp"))
    call_id = _text(payload["uuid"])
    return CallReport(
        provider="vonage",
        call_id=call_id,
        event_key=f"{call_id}:{status}",
        event=event,
        direction="outbound" if payload.get("direction") == "outbound" else "inbound",
        from_number=_text(payload["from"]),
        to_number=_text(payload["to"]),
        started_at=_iso(payload.get("start_time")) or (stamp if event == "started" else None),
        answered_at=stamp if event == "answered" else None,
        ended_at=_iso(payload.get("end_time")) or (stamp if event in ("ended", "missed") else None),
        duration_seconds=_seconds(payload.get("duration")),
        recording_url=_text(payload.get("recording_url")),
    )


AIRCALL_EVENTS = {
    "call.created": "started",
    "call.ringing_on_agent": "started",
    "call.answered": "answered",
    "call.hungup": "ended",
    "call.ended": "ended",
}


def read_aircall(payload: Mapping[str, Any]) -> CallReport:
    """A call event ({"resource": "call", "event", "timestamp", "token", "data": the
    call}). call.hungup comes at once, call.ended about 30 s later with the duration and
    recording: both update the same call. An inbound call never answered is missed."""
    name = _text(payload.get("event"))
    if name not in AIRCALL_EVENTS:
        raise UnreadablePayload(f"unrecorded Aircall event {name[:40]!r}")
    data = payload.get("data")
    if not isinstance(data, Mapping):
        raise UnreadablePayload("no call in data")
    _required(data, "id", "direction", "raw_digits")
    number = data.get("number") if isinstance(data.get("number"), Mapping) else {}
    desk = _text(number.get("digits") if number else "")
    customer = _text(data["raw_digits"])
    direction = "outbound" if data["direction"] == "outbound" else "inbound"
    event = AIRCALL_EVENTS[name]
    unanswered = not data.get("answered_at") and direction == "inbound"
    if event == "ended" and (unanswered or data.get("missed_call_reason")):
        event = "missed"
    user = data.get("user") if isinstance(data.get("user"), Mapping) else {}
    call_id = _text(data["id"])
    return CallReport(
        provider="aircall",
        call_id=call_id,
        event_key=f"{call_id}:{name}",
        event=event,
        direction=direction,
        from_number=customer if direction == "inbound" else desk,
        to_number=desk if direction == "inbound" else customer,
        agent_email=_text(user.get("email") if user else ""),
        started_at=_epoch(data.get("started_at")),
        answered_at=_epoch(data.get("answered_at")),
        ended_at=_epoch(data.get("ended_at")),
        duration_seconds=_seconds(data.get("duration")),
        recording_url=_text(data.get("recording")),
    )
