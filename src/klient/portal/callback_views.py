"""The portal's "call me back" form (portal/_call_me_back.html on a conversation's page):
a phone number and a window on one day, in the customer's own time zone.

Thin: the conversation through portal.access, one action
(klient.phone.callbacks.request_callback), back to the page, which says how it went."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from klient.phone.callback_window import day_window, zone_or_default
from klient.phone.callbacks import request_callback
from klient.phone.models import Callback

from . import access
from .views import customer_required


@require_POST
@customer_required
def call_me_back(
    request: HttpRequest, reference: str, *, customer: Any, email: str, language: str
) -> HttpResponse:
    found = access.access_conversation(customer, reference)
    zone = zone_or_default(customer.time_zone)
    try:
        start, end = day_window(
            request.POST.get("day", ""),
            request.POST.get("from", ""),
            request.POST.get("until", ""),
            zone,
        )
        request_callback(
            phone=request.POST.get("phone", "")[:40],
            window_start=start,
            window_end=end,
            time_zone=zone.key,
            source=Callback.Source.PORTAL,
            conversation=found,
        )
        outcome = "asked"
    except (ValueError, ValidationError):
        outcome = "refused"
    # The page says which (portal/_call_me_back.html), in the customer's language.
    page = reverse("portal:conversation", kwargs={"reference": found.reference})
    return HttpResponseRedirect(f"{page}?callback={outcome}#call-me-back")
