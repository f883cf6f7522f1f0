"""A bad rating (bad, or 1 and 2 of five) tells the team's lead, in the lead's language;
a good or middling one, or a team without a lead, tells nobody."""

from __future__ import annotations

import pytest
from django.utils import translation
from survey_steps import solve

from klient.core.texts import word
from klient.notifications.models import Notification
from klient.people.actions import set_agent_language
from klient.surveys import actions
from klient.surveys.models import Survey
from support import worker_runs


def sent_survey(conversation, agent) -> Survey:
    solve(conversation, agent)
    worker_runs()
    return Survey.objects.get(conversation=conversation, state=Survey.State.SENT)


def told(lead):
    return list(Notification.objects.filter(recipient=lead, kind="survey.bad_rating"))


def test_bad_tells_the_lead_in_polish(
    smtp_sink, french_question, agent_anna, lead_anna, surveys_on
):
    surveys_on(scale="good_bad")
    set_agent_language(lead_anna, "pl", actor=lead_anna)
    survey = sent_survey(french_question, agent_anna)
    actions.answer(survey, rating="bad")
    (notification,) = told(lead_anna)
    with translation.override("pl"):
        text = word(notification.kind, notification.params)
    assert text == f"Klient ocenił {french_question.reference} w ankiecie satysfakcji: źle."


@pytest.mark.parametrize(
    ("rating", "tells"), [("1", True), ("2", True), ("3", False), ("5", False)]
)
def test_one_and_two_of_five_are_bad(
    smtp_sink, french_question, agent_anna, lead_anna, surveys_on, rating, tells
):
    surveys_on(scale="five")
    actions.answer(sent_survey(french_question, agent_anna), rating=rating)
    assert bool(told(lead_anna)) is tells


def test_good_changed_to_bad_tells_the_lead_once(
    smtp_sink, french_question, agent_anna, lead_anna, surveys_on
):
    surveys_on(scale="five")
    survey = sent_survey(french_question, agent_anna)
    actions.answer(survey, rating="4")
    assert told(lead_anna) == []
    actions.answer(survey, rating="2")
    actions.answer(survey, rating="1")  # still bad: no second notification
    assert len(told(lead_anna)) == 1


def test_a_team_without_a_lead_tells_nobody(smtp_sink, french_question, agent_anna, surveys_on):
    surveys_on()
    survey = actions.answer(sent_survey(french_question, agent_anna), rating="bad")
    assert survey.rating == "bad"
    assert not Notification.objects.filter(kind="survey.bad_rating").exists()


def test_a_rating_the_scale_does_not_offer_is_refused(
    smtp_sink, french_question, agent_anna, surveys_on, client
):
    surveys_on(scale="good_bad")
    survey = sent_survey(french_question, agent_anna)
    page = f"/survey/{actions.token_for(survey)}/"
    response = client.post(page, {"rating": "5"})
    assert response.status_code == 422
    assert "Choisissez l’une des réponses." in response.content.decode()
    survey.refresh_from_db()
    assert survey.rating == "" and survey.answered_at is None
