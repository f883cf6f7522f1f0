"""The public booking page /book/<slug>/ (no account): a week of the booking type's free
slots in the visitor's time zone (the browser's, set by one line of script, or chosen in
the form; the page works without script in the zone chosen), then name, email, an optional
phone and the type's questions. Booking goes through scheduling.booking.book, as
POST /api/v1/bookings does; success opens the manage link, a slot taken meanwhile shows the
next free ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import booking, invitation_mail, queries
from .models import BookingType

DAYS = 7


def _zone_name(value: str) -> str:
    return value if value and queries.zone_named(value) is not None else "UTC"


def _first_day(value: str, zone_name: str) -> date:
    today = timezone.now().astimezone(queries.zone_named(zone_name)).date()
    try:
        chosen = date.fromisoformat(value) if len(value) == 10 else today
    except ValueError:
        chosen = today
    return max(chosen, today)


def _week(booking_type: BookingType, first: date, zone_name: str) -> list[tuple[str, str]]:
    zone = queries.zone_named(zone_name) or UTC
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(first + timedelta(days=DAYS), time(0), tzinfo=zone).astimezone(UTC)
    return [
        (a.astimezone(zone).isoformat(), invitation_mail.local_when(a, b, zone_name))
        for a, b in queries.free_slots(booking_type, start, end)
    ]


def _render(
    request: HttpRequest,
    booking_type: BookingType,
    zone_name: str,
    first: date,
    *,
    error: str = "",
    slots: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "booking_type": booking_type,
        "where": invitation_mail.where(booking_type),
        "zone": zone_name,
        "zone_given": "tz" in request.GET or request.method == "POST",
        "zones": queries.zone_names(),
        "first": first.isoformat(),
        "later": (first + timedelta(days=DAYS)).isoformat(),
        "earlier": (first - timedelta(days=DAYS)).isoformat(),
        "slots": _week(booking_type, first, zone_name) if slots is None else slots,
        "questions": booking_type.questions or [],
        "form": request.POST if request.method == "POST" else {},
        "error": error,
        "language": translation.get_language() or "en",
    }
    return render(request, "scheduling/book/page.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def book_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        booking_type = queries.bookable(slug)
    except Http404:
        return render(request, "scheduling/book/unknown.html", status=404)
    source = request.POST if request.method == "POST" else request.GET
    zone_name = _zone_name(source.get("tz", ""))
    first = _first_day(source.get("from", ""), zone_name)
    if request.method != "POST":
        return _render(request, booking_type, zone_name, first)
    try:
        start = datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        return _render(
            request, booking_type, zone_name, first, error=_("Choose a time."), status=422
        )
    answers = {
        q["label"]: request.POST.get(f"q{i}", "").strip()
        for i, q in enumerate(booking_type.questions or [])
    }
    try:
        made = booking.book(
            booking_type,
            start=start,
            name=request.POST.get("name", "").strip(),
            email=request.POST.get("email", "").strip(),
            phone=request.POST.get("phone", "").strip(),
            language=translation.get_language() or "",
            time_zone=zone_name,
            answers={k: v for k, v in answers.items() if v},
        )
    except booking.SlotTaken as taken:
        zone = queries.zone_named(zone_name) or UTC
        offered = [
            (a.astimezone(zone).isoformat(), invitation_mail.local_when(a, b, zone_name))
            for a, b in taken.alternatives
        ]
        return _render(
            request,
            booking_type,
            zone_name,
            first,
            error=_("This time was just taken. Here are the next free times."),
            slots=offered,
            status=409,
        )
    except ValidationError as exc:
        return _render(
            request, booking_type, zone_name, first, error=" ".join(exc.messages), status=422
        )
    return redirect(f"/b/{made.manage_token}/?done=booked")
