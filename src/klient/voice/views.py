"""The voice of the customer dashboard (/voice/): the managed teams' recurring topics with
their weekly volume charts and trends, "turn into a corrective action" (htmx), each
action's volume before and after, the owner's close form, and the CSV export.

Thin: parse the request, call klient.voice.actions or klient.voice.queries, render. The
page is for managers (a team's lead, administrators) and owners of actions; anyone else
gets 403."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from klient.core.pages import show_errors

from . import actions, queries
from .access import access_action, access_topic, actions_in_scope, is_manager, topics_in_scope
from .chart import volume_bars
from .models import CorrectiveAction, Topic, TopicMessage

DEFAULT_WEEKS = 12
LINKABLE = 20  # the topic's latest conversations offered to link
SHOWN = 40  # topics on the page, largest first (the CSV and the API have them all)


class ActionForm(forms.Form):
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int)
    due_date = forms.DateField(
        label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=gettext_lazy("What should change"), widget=forms.Textarea(attrs={"rows": 3})
    )
    conversations = forms.MultipleChoiceField(
        label=gettext_lazy("Linked conversations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, topic: Topic, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic = topic
        members = topic.team.members.filter(is_active=True).order_by("first_name", "email")
        owner = self.fields["owner"]
        linked = self.fields["conversations"]
        assert isinstance(owner, forms.ChoiceField) and isinstance(linked, forms.ChoiceField)
        owner.choices = [(u.pk, u.get_full_name() or u.email) for u in members]
        linked.choices = [(ref, ref) for ref in linkable(topic)]


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("What was changed"), widget=forms.Textarea(attrs={"rows": 2})
    )


def linkable(topic: Topic) -> list[str]:
    from klient.conversations.models import Conversation

    ids = (
        TopicMessage.objects.filter(topic=topic)
        .order_by("-week", "-message_id")
        .values_list("conversation_id", flat=True)
    )
    seen = list(dict.fromkeys(ids))[:LINKABLE]
    return [Conversation(pk=pk).reference for pk in seen]


def _weeks(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("weeks", DEFAULT_WEEKS)), 4), 104)
    except ValueError:
        return DEFAULT_WEEKS


def _allowed(user: Any) -> None:
    if not (is_manager(user) or actions_in_scope(user).exists()):
        raise PermissionDenied(_("The voice of the customer is for team leads."))


def _card(
    topic: Topic, weeks: list[date], volumes: list[int], user: Any, form: ActionForm | None = None
) -> dict[str, Any]:
    topic_actions = list(
        CorrectiveAction.objects.filter(topic=topic)
        .select_related("owner")
        .prefetch_related("conversations")
        .order_by("pk")
    )
    marks: defaultdict[date, list[tuple[str, str]]] = defaultdict(list)
    for action in topic_actions:
        from .topics import week_of

        marks[week_of(timezone.localtime(action.created_at))].append(
            ("created", _("Action #%(n)d created") % {"n": action.pk})
        )
        if action.closed_at:
            marks[week_of(timezone.localtime(action.closed_at))].append(
                ("closed", _("Action #%(n)d closed") % {"n": action.pk})
            )
    return {
        "topic": topic,
        "chart": volume_bars(weeks, volumes, marks),
        "actions": [
            {
                "action": a,
                "effect": queries.effect(a),
                "mine": a.owner_id == user.pk,
                "close_form": CloseForm(auto_id=f"close-{a.pk}-%s"),
            }
            for a in topic_actions
        ],
        "form": form or ActionForm(topic, auto_id=f"t{topic.pk}-%s", initial={"owner": user.pk}),
        "manages": is_manager(user),
    }


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _allowed(request.user)
    count = _weeks(request)
    weeks = queries.weeks_until_now(count)
    # The largest topics: each card reads its actions and form choices (a few queries).
    rows = list(queries.active_topics(topics_in_scope(request.user))[:SHOWN])
    series = queries.series([t.pk for t in rows], weeks)
    mine = (
        actions_in_scope(request.user)
        .filter(owner_id=request.user.pk, state=CorrectiveAction.State.OPEN)
        .select_related("topic")
    )
    return render(
        request,
        "voice/dashboard.html",
        {
            "cards": [_card(t, weeks, series[t.pk], request.user) for t in rows],
            "weeks": count,
            "mine": [
                {"action": a, "close_form": CloseForm(auto_id=f"mine-{a.pk}-%s")} for a in mine
            ],
        },
    )


def _topic_fragment(
    request: HttpRequest, topic: Topic, form: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    """The topic's card for htmx (a refusal too: htmx swaps only 2xx answers, and the
    refused form wrote nothing); without htmx, back to the dashboard."""
    htmx = request.headers.get("HX-Request") == "true"
    if not htmx and form is None:
        return redirect(f"{reverse('voice:dashboard')}#topic-{topic.pk}")
    if htmx:
        status = 200
    weeks = queries.weeks_until_now(_weeks(request))
    volumes = queries.series([topic.pk], weeks)[topic.pk]
    return render(
        request,
        "voice/_topic.html",
        _card(topic, weeks, volumes, request.user, form),
        status=status,
    )


@require_POST
@login_required
def create_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The "turn into a corrective action" form: answers the topic's card again."""
    from django.contrib.auth import get_user_model

    from klient.conversations.access import conversations_in_scope
    from klient.conversations.models import Conversation

    topic = access_topic(request.user, pk)
    form = ActionForm(topic, request.POST, auto_id=f"t{topic.pk}-%s")
    if form.is_valid():
        refs = form.cleaned_data["conversations"]
        pks = [found for ref in refs if (found := Conversation.pk_from_reference(ref))]
        try:
            actions.create_action(
                topic,
                actor=request.user,
                owner=get_user_model().objects.get(pk=form.cleaned_data["owner"]),
                due_date=form.cleaned_data["due_date"],
                description=form.cleaned_data["description"],
                conversations=conversations_in_scope(request.user).filter(pk__in=pks),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _topic_fragment(request, topic)
    return _topic_fragment(request, topic, form, status=422)


@require_POST
@login_required
def close_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner closes an action with what was changed; answers the topic's card."""
    action = access_action(request.user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Say what was changed."), status=422)
    actions.change_action(
        action, actor=request.user, state="closed", resolution=form.cleaned_data["resolution"]
    )
    if is_manager(request.user) and topics_in_scope(request.user).filter(pk=action.topic_id):
        return _topic_fragment(request, action.topic)
    if request.headers.get("HX-Request") != "true":
        return redirect("voice:dashboard")
    return HttpResponse(_("Closed. Thank you."))


CSV_COLUMNS = ["topic", "team", "language", "label", "trend", "volume", "week", "week_volume"]


@require_GET
@login_required
def topics_csv(request: HttpRequest) -> HttpResponse:
    """Every managed topic's weekly volumes, one row per topic and week."""
    if not is_manager(request.user):
        raise PermissionDenied(_("The voice of the customer is for team leads."))
    weeks = queries.weeks_until_now(_weeks(request))
    rows = list(queries.active_topics(topics_in_scope(request.user)))
    series = queries.series([t.pk for t in rows], weeks)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="topics.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for topic in rows:
        for week, volume in zip(weeks, series[topic.pk], strict=True):
            writer.writerow(
                [
                    topic.pk,
                    topic.team.name,
                    topic.language,
                    " ".join(topic.label),
                    topic.trend,
                    topic.volume,
                    week.isoformat(),
                    volume,
                ]
            )
    return response
