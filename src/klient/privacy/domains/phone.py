"""Calls and callbacks (klient.phone): the customer's number, notes, recordings and
transcripts. Times, direction, state, outcome, duration and the desk's own number stay,
so call volumes and callback targets keep their figures. A callback still due for an
erased customer is given up: there is no number left to call."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from klient.phone.models import Call, Callback, CallbackAttempt

from ..blob_files import release
from ..records import add, record
from ..scope import Scope


def _calls(scope: Scope) -> Any:
    return Call.objects.filter(conversation_id__in=scope.conversation_ids).order_by("id")


def _callbacks(scope: Scope) -> Any:
    where = Q(conversation_id__in=scope.conversation_ids)
    if scope.customer is not None:
        where |= Q(customer=scope.customer)
    return Callback.objects.filter(where).order_by("id")


def _attempts(scope: Scope) -> Any:
    return CallbackAttempt.objects.filter(callback__in=_callbacks(scope)).order_by("id")


def export(scope: Scope) -> dict[str, Any]:
    return {
        "calls": [
            record(
                c,
                "conversation",
                "message",
                "provider",
                "direction",
                "from_number",
                "to_number",
                "agent",
                "state",
                "outcome",
                "duration_seconds",
                "notes",
                "recording_url",
                "transcript",
                "started_at",
                "answered_at",
                "ended_at",
            )
            for c in _calls(scope)
        ],
        "callbacks": [
            record(
                c,
                "conversation",
                "phone",
                "source",
                "call",
                "window_start",
                "window_end",
                "time_zone",
                "state",
                "due_at",
                "target_at",
                "attempts",
                "created_at",
            )
            for c in _callbacks(scope)
        ],
        "callback_attempts": [
            record(a, "callback", "outcome", "note", "agent", "at") for a in _attempts(scope)
        ],
    }


def _erased_call(call: Call) -> bool:
    customer_side = call.from_number if call.direction == Call.Direction.INBOUND else call.to_number
    return not (
        customer_side or call.notes or call.recording_url or call.recording_blob or call.transcript
    )


def preview(scope: Scope) -> dict[str, int]:
    return {
        "calls": sum(not _erased_call(c) for c in _calls(scope)),
        "callbacks": _callbacks(scope).exclude(phone="").count(),
        "callback_notes": _attempts(scope).exclude(note="").count(),
    }


def erase(scope: Scope, counts: dict[str, int]) -> None:
    calls = [c for c in _calls(scope) if not _erased_call(c)]
    recordings = {c.recording_blob for c in calls if c.recording_blob}
    for call in calls:
        if call.direction == Call.Direction.INBOUND:
            call.from_number = ""
        else:
            call.to_number = ""
        call.notes = call.recording_url = call.recording_blob = call.transcript = ""
    Call.objects.bulk_update(
        calls,
        ["from_number", "to_number", "notes", "recording_url", "recording_blob", "transcript"],
    )
    add(counts, "calls", len(calls))
    add(counts, "recording_files", release(recordings))
    callbacks = _callbacks(scope).exclude(phone="")
    callbacks.filter(state=Callback.State.DUE).update(state=Callback.State.GIVEN_UP)
    add(counts, "callbacks", callbacks.update(phone=""))
    add(counts, "callback_notes", _attempts(scope).exclude(note="").update(note=""))
