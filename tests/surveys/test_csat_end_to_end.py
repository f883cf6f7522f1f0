"""CSAT end to end through the SMTP sink: Support asks its customers after a solve.

Camille (French) has her double invoice solved by Anna; half an hour later a survey in
French arrives at the relay; she follows the link for "2", the page has it chosen (the
link itself stores nothing), she sends it with a comment; Anna, the team's lead, is told;
Camille changes her mind within 24 hours, not after; after 14 days the link has closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from survey_steps import links, solve

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.surveys.models import Survey
from support import worker_runs


def test_a_solved_conversation_gets_a_french_survey_answered_changed_then_closed(
    client, smtp_sink, french_question, agent_anna, lead_anna, surveys_on, anna_client
):
    surveys_on(delay_minutes=30, scale="five", ask_comment=True)
    solved_at = timezone.now()
    solve(french_question, agent_anna)

    worker_runs()
    assert smtp_sink.messages == []  # the delay has not passed
    (scheduled,) = Event.objects.filter(kind="survey.scheduled", conversation=french_question)
    assert scheduled.data["due_at"] > solved_at.isoformat()

    worker_runs(at=solved_at + timedelta(minutes=31))
    (email,) = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "camille@exemple.fr"
    assert email["From"].addresses[0].addr_spec == "support@shop.example"
    assert (
        email["Subject"] == f"Comment avons-nous fait ? Votre demande {french_question.reference}"
    )
    assert email["Auto-Submitted"] == "auto-generated"
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Facture en double" in text and "14 jours" in text
    found = links(email)
    assert set(found) == {"", "1", "2", "3", "4", "5"}
    survey = Survey.objects.get(conversation=french_question)
    assert survey.state == Survey.State.SENT and survey.language == "fr"
    token = found[""].split("/")[2]
    assert len(token) == 64 and token.startswith(survey.nonce)  # random, not an id
    sent_at = survey.sent_at

    # A mail scanner (or Camille) opens the "2" link: chosen on the page, stored nowhere.
    page = client.get(found["2"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="fr"' in html and "Comment avons-nous fait" in html
    assert 'value="2" required checked' in html
    assert 'name="comment"' in html
    survey.refresh_from_db()
    assert survey.rating == "" and survey.answered_at is None
    assert not Event.objects.filter(kind="survey.answered").exists()

    # She sends it, with a comment: stored, and the lead is told in her own language.
    response = client.post(found[""], {"rating": "2", "comment": "Toujours deux factures."})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == ("2", "Toujours deux factures.")
    answered = Event.objects.get(kind="survey.answered")
    assert answered.conversation_id == french_question.pk
    assert answered.data["rating"] == "2" and answered.data["bad"] is True
    (told,) = Notification.objects.filter(recipient=lead_anna, kind="survey.bad_rating")
    assert french_question.reference in told.text
    assert client.get(response["Location"]).content.decode().count("Merci") >= 1

    # The timeline shows the survey sent and answered.
    timeline = anna_client.get(f"/c/{french_question.reference}/").content.decode()
    assert "Satisfaction survey sent" in timeline and "Satisfaction survey answered" in timeline

    # Within 24 hours she changes her answer.
    with freeze_time(survey.answered_at + timedelta(hours=23)):
        assert client.post(found[""], {"rating": "5", "comment": ""}).status_code == 302
    survey.refresh_from_db()
    assert survey.rating == "5"
    changed = Event.objects.get(kind="survey.changed")
    assert changed.data["from"] == "2" and changed.data["rating"] == "5"

    # After 24 hours the answer stays as it is.
    with freeze_time(survey.answered_at + timedelta(hours=25)):
        refused = client.post(found[""], {"rating": "1"})
        assert refused.status_code == 409
        assert "ne peut plus être modifiée" in refused.content.decode()
    survey.refresh_from_db()
    assert survey.rating == "5"
    assert Notification.objects.filter(kind="survey.bad_rating").count() == 1

    # Fourteen days after it was sent, the link has closed: a kind page, in French.
    with freeze_time(sent_at + timedelta(days=14, minutes=1)):
        closed = client.get(found["4"])
        assert closed.status_code == 410
        assert "14 jours" in closed.content.decode()
        assert client.post(found[""], {"rating": "4"}).status_code == 410
    survey.refresh_from_db()
    assert survey.rating == "5"


def test_an_unknown_or_tampered_token_finds_no_survey(
    client, smtp_sink, french_question, agent_anna, surveys_on
):
    surveys_on()
    solve(french_question, agent_anna)
    worker_runs()
    (email,) = smtp_sink.wait_for(1)
    path = links(email)[""]
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, {"rating": "good"}).status_code == 404
    assert client.get("/survey/nothing/").status_code == 404
    assert Survey.objects.get().rating == ""


@pytest.mark.parametrize(
    ("language", "subject", "heading"),
    [
        ("en", "How did we do? Your request", "How did we do?"),
        ("de", "Wie waren wir? Ihre Anfrage", "Wie waren wir?"),
        ("uk", "Як ми впоралися? Ваш запит", "Як ми впоралися?"),
        ("pl", "Jak nam poszło? Pani/Pana zgłoszenie", "Jak nam poszło?"),
        ("fr", "Comment avons-nous fait ? Votre demande", "Comment avons-nous fait ?"),
    ],
)
def test_the_email_and_the_page_speak_the_customers_language(
    client,
    smtp_sink,
    support_team,
    receive,
    agent_anna,
    surveys_on,
    language,
    subject,
    heading,
):
    surveys_on()
    conversation = receive(
        support_team, f"{language}@client.example", "?", "…", language=language
    ).conversation
    solve(conversation, agent_anna)
    worker_runs()
    (email,) = smtp_sink.wait_for(1)
    assert email["Subject"] == f"{subject} {conversation.reference}"
    assert email["Content-Language"] == language
    page = client.get(links(email)[""]).content.decode()
    assert f'lang="{language}"' in page and heading in page
