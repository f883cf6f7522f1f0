"""How a call reads in the timeline, worded for each reader (klient.core.texts): the
parameters are the direction, the state or outcome, the customer's number and the
duration in seconds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

CALL = "phone.call"


def _duration(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}
    return _("%(seconds)d s") % {"seconds": rest}


def call(params: Mapping[str, Any]) -> str:
    values = {"number": params["number"]}
    inbound = params["direction"] == "inbound"
    state = params["state"]
    if state == "missed":
        text = (
            _("Missed call from %(number)s.") if inbound else _("Call to %(number)s: no answer.")
        ) % values
    elif state == "ended":
        text = (_("Call from %(number)s") if inbound else _("Call to %(number)s")) % values
        if params.get("duration") is not None:
            text += " (" + _duration(params["duration"]) + ")"
        text += "."
    elif state == "answered":
        text = (
            _("Call from %(number)s, in progress.")
            if inbound
            else _("Call to %(number)s, in progress.")
        ) % values
    else:
        text = (
            _("Call from %(number)s, ringing.") if inbound else _("Call to %(number)s, ringing.")
        ) % values
    if params.get("notes"):
        text += "\n\n" + str(params["notes"])
    return text


TEXTS = {CALL: call}


def english(params: Mapping[str, Any]) -> str:
    """The wording as stored in the message's text (for search), in English."""
    from django.utils import translation

    with translation.override("en"):
        return call(params)
