"""When Support asks nothing: surveys off, an automatic conversation (an out-of-office
reply nobody answered), an address a reply bounced from, a conversation solved a second
time, one reopened before its survey was due."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from survey_steps import reopen, solve

from klient.conversations.actions import reply
from klient.conversations.models import Delivery
from klient.core.models import Event
from klient.mail.actions import accept_raw, process_batch
from klient.surveys.models import Survey
from support import bounce_report, worker_runs


def test_nothing_is_sent_while_the_teams_surveys_are_off(smtp_sink, french_question, agent_anna):
    solve(french_question, agent_anna)
    worker_runs()
    assert smtp_sink.messages == [] and not Survey.objects.exists()


def test_an_automatic_conversation_never_gets_a_survey(
    smtp_sink, support_team, receive, agent_anna, surveys_on
):
    surveys_on()
    message = receive(
        support_team,
        "jan@firma.pl",
        "Nieobecność: Re: zamówienie",
        "Jestem na urlopie do poniedziałku.",
        is_auto_reply=True,
    )
    conversation = message.conversation
    assert conversation.automatic
    solve(conversation, agent_anna)
    worker_runs()
    assert smtp_sink.messages == [] and not Survey.objects.exists()


def test_an_address_a_reply_bounced_from_gets_no_survey(
    smtp_sink, french_question, agent_anna, surveys_on
):
    surveys_on(delay_minutes=10)
    answer = reply(
        french_question, actor=agent_anna, body="Payez la seconde, la première est annulée."
    )
    worker_runs()
    assert len(smtp_sink.wait_for(1)) == 1
    raw = bounce_report(answer.message_id, answer.to[0], answer.from_address, "550 5.1.1 unknown")
    accepted, _ = accept_raw(raw, source="smtp", envelope_to=[answer.from_address])
    process_batch([accepted.pk])
    worker_runs()
    assert Delivery.objects.get(message=answer).state == Delivery.State.BOUNCED

    solve(french_question, agent_anna)
    worker_runs(at=timezone.now() + timedelta(minutes=11))
    to_camille = [m for m in smtp_sink.messages if m[1] == ["camille@exemple.fr"]]
    assert len(to_camille) == 1  # only the reply (Anna was told it bounced)
    survey = Survey.objects.get()
    assert (survey.state, survey.skip_reason) == (Survey.State.CANCELLED, "address bounced")
    (cancelled,) = Event.objects.filter(kind="survey.cancelled")
    assert cancelled.conversation_id == french_question.pk
    assert cancelled.data == {"survey": survey.pk, "reason": "address bounced"}


def test_a_conversation_solved_again_gets_no_second_survey(
    smtp_sink, french_question, agent_anna, surveys_on
):
    surveys_on()
    solve(french_question, agent_anna)
    worker_runs()
    assert len(smtp_sink.wait_for(1)) == 1

    reopen(french_question, agent_anna)
    solve(french_question, agent_anna)
    worker_runs()
    assert len(smtp_sink.messages) == 1
    assert Survey.objects.count() == 1 and Survey.objects.get().state == Survey.State.SENT


def test_a_survey_not_yet_sent_waits_for_the_next_solve_when_reopened(
    smtp_sink, french_question, agent_anna, surveys_on
):
    surveys_on(delay_minutes=60)
    solve(french_question, agent_anna)
    reopen(french_question, agent_anna)  # the customer wrote again before the hour was up
    later = timezone.now() + timedelta(minutes=61)
    worker_runs(at=later)
    assert smtp_sink.messages == []
    survey = Survey.objects.get()
    assert (survey.state, survey.skip_reason) == (
        Survey.State.CANCELLED,
        "reopened before it was sent",
    )

    solve(french_question, agent_anna)
    worker_runs(at=timezone.now() + timedelta(minutes=61))
    assert len(smtp_sink.wait_for(1)) == 1
    assert Survey.objects.count() == 1 and Survey.objects.get().state == Survey.State.SENT


def test_a_relay_that_refuses_for_now_gets_the_survey_later_once(
    smtp_sink, french_question, agent_anna, surveys_on
):
    surveys_on()
    smtp_sink.answer_next("451 4.3.0 try again later")
    solve(french_question, agent_anna)
    worker_runs()
    assert smtp_sink.messages == [] and len(smtp_sink.refused) == 1
    survey = Survey.objects.get()
    assert survey.state == Survey.State.SCHEDULED and "451" in survey.last_error

    worker_runs(at=survey.next_attempt_at + timedelta(seconds=1))
    assert len(smtp_sink.wait_for(1)) == 1
    worker_runs(at=survey.next_attempt_at + timedelta(hours=2))
    assert len(smtp_sink.messages) == 1
    assert Survey.objects.get().state == Survey.State.SENT
