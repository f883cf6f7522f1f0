"""The survey's public page (no sign-in: the link's token is the key), the CSAT CSV
export and the administrators' settings page. Thin: parse, call actions or queries, render.

The page never changes anything on GET: a mail scanner that opens the email's links
(one per rating) only sees the page with that rating chosen; the customer's button
(a plain form POST, no JavaScript) stores it."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from klient.conversations.access import admin_required
from klient.core.pages import render_agent_page
from klient.people.models import Team

from . import actions, rules
from .forms import CsatSettingsForm
from .models import Survey
from .queries import GROUPS, csat_report

DEFAULT_WEEKS = 12


def _choices(survey: Survey) -> list[tuple[str, str]]:
    if survey.scale == rules.GOOD_BAD:
        return [("good", _("Good")), ("bad", _("Bad"))]
    return [(r, r) for r in rules.RATINGS[rules.FIVE]]


def _page(
    request: HttpRequest, survey: Survey, *, status: int = 200, **context: Any
) -> HttpResponse:
    now = timezone.now()
    chosen = context.pop("chosen", None) or request.GET.get("rating", "")
    if not rules.valid_rating(survey.scale, chosen):
        chosen = survey.rating
    changeable = rules.change_allowed(survey.answered_at, now)
    response = render(
        request,
        "surveys/survey.html",
        {
            "survey": survey,
            "reference": survey.conversation.reference,
            "team": survey.team.name,
            "choices": _choices(survey),
            "chosen": chosen,
            "five": survey.scale == rules.FIVE,
            "changeable": changeable,
            "change_until": survey.answered_at + rules.CHANGEABLE_FOR
            if survey.answered_at
            else None,
            "from_email": bool(request.GET.get("rating")) and not survey.answered,
            "saved": request.GET.get("saved") == "1",
            "comment": context.pop("comment", survey.comment),
            **context,
        },
        status=status,
    )
    # The token must not leave in a Referer; same-origin still lets the form post its Origin
    # (no-referrer sends "Origin: null", which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def _language(survey: Survey | None) -> str:
    return (survey.language if survey else "") or settings.LANGUAGE_CODE


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    survey = actions.survey_for_token(token)
    with translation.override(_language(survey)):
        if survey is None:
            return render(request, "surveys/unknown.html", status=404)
        if rules.link_expired(survey.sent_at, timezone.now()):
            return render(request, "surveys/expired.html", {"survey": survey}, status=410)
        if request.method == "GET":
            return _page(request, survey)
        rating = request.POST.get("rating", "")
        comment = request.POST.get("comment", "")
        try:
            actions.answer(survey, rating=rating, comment=comment)
        except actions.Expired:
            return render(request, "surveys/expired.html", {"survey": survey}, status=410)
        except actions.Closed:
            return _page(
                request, survey, status=409, error=_("Your answer can no longer be changed.")
            )
        except ValidationError:
            error = (
                _("Choose one of the answers.")
                if not rules.valid_rating(survey.scale, rating)
                else _("The comment is too long.")
            )
            return _page(request, survey, status=422, error=error, chosen=rating, comment=comment)
        return redirect(f"{request.path}?saved=1", permanent=False)


# -- the CSV export --------------------------------------------------------------------------

CSV_COLUMNS = ["group", "key", "label", "responses", "good", "bad", "score_percent"]


def _window(request: HttpRequest) -> tuple[date, date]:
    """from/to (YYYY-MM-DD, inclusive), by default the last 12 weeks up to today."""
    today = datetime.now(UTC).date()
    end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
    start = (
        date.fromisoformat(request.GET["from"])
        if request.GET.get("from")
        else end - timedelta(weeks=DEFAULT_WEEKS)
    )
    if start > end:
        raise ValueError("The window starts after it ends.")
    return start, end


def _csv_safe(text: str) -> str:
    """Names typed by people must not become formulas in a spreadsheet."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def csat_csv(request: HttpRequest) -> HttpResponse:
    group = request.GET.get("group") or "team"
    try:
        if group not in GROUPS:
            raise ValueError(f"group is one of {', '.join(GROUPS)}.")
        start, end = _window(request)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    _total, rows = csat_report(
        request.user,
        group=group,
        start=datetime.combine(start, time.min, tzinfo=UTC),
        end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="klient-csat-{group}-{start}-{end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        figures = row.as_dict()
        writer.writerow(
            [
                group,
                "" if figures["key"] is None else figures["key"],
                _csv_safe(row.label),
                row.responses,
                row.good,
                row.bad,
                "" if row.score is None else row.score,
            ]
        )
    return response


# -- settings (administrators) ---------------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    teams = list(Team.objects.order_by("name"))
    forms = {
        team.pk: CsatSettingsForm(instance=actions.settings_of(team), prefix=f"t{team.pk}")
        for team in teams
    }
    if request.method == "POST":
        team = get_object_or_404(Team, pk=request.POST.get("team"))
        form = CsatSettingsForm(request.POST, prefix=f"t{team.pk}")
        if form.is_valid():
            try:
                actions.update_settings(team, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Surveys of %(team)s saved.") % {"team": team.name})
                return redirect("surveys:settings")
        forms[team.pk] = form
        status = 422
    else:
        status = 200
    return render_agent_page(
        request,
        "surveys/settings.html",
        {"teams": [(team, forms[team.pk]) for team in teams]},
        status=status,
    )
