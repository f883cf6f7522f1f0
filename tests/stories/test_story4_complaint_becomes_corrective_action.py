"""Story 4, the bank: a long-time customer could not reach her personal advisor, nobody
called back; she raised it, someone showed understanding, and a month later nothing had
changed. In Klient her complaint, and the same complaint of other customers, week after
week, becomes one recurring topic; the team lead turns it into a corrective action with an
owner; the owner closes it with what was changed; and the topic's weekly chart shows the
volume before and after, so one can see whether it worked."""

from __future__ import annotations

import json
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone
from freezegun import freeze_time

from klient.core.worker import drain
from klient.mail.smtp import SmtpListener
from klient.notifications.models import Notification
from klient.voice.models import CorrectiveAction, Topic
from support import free_port, signed_in, worker_runs

pytestmark = pytest.mark.django_db(transaction=True)

# What bank customers wrote, weeks ago (weeks before now, sender, text).
EARLIER = [
    (6, "ola@klientka.pl", "Nie mogę się dodzwonić do mojego doradcy, nikt nie oddzwania."),
    (5, "jan@poczta.pl", "Doradca nie odbiera telefonu od tygodnia, obiecał oddzwonić."),
    (4, "ola@klientka.pl", "Nadal nikt nie oddzwonił. Gdzie jest mój doradca?"),
    (3, "ewa@poczta.pl", "Mój doradca nie oddzwonił, a sprawa kredytu jest pilna."),
    (3, "jan@poczta.pl", "Dzwonię trzeci raz, doradca nie odbiera, nikt nie oddzwania."),
    (2, "ola@klientka.pl", "Doradca jest na urlopie? Kto go zastępuje? Nikt nie oddzwania."),
    (1, "piotr@poczta.pl", "Czekam na telefon od doradcy od tygodnia, nikt nie oddzwonił."),
    (1, "ewa@poczta.pl", "Doradca znowu nie oddzwonił."),
    # Other things customers write, once: not a topic.
    (4, "adam@poczta.pl", "Jakie są godziny otwarcia oddziału w Gdańsku?"),
    (2, "ewa@poczta.pl", "Dziękuję za szybką wymianę karty."),
]


def email_to_support(port: int, sender: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@shop.example"
    message["Subject"] = "Doradca"
    message["Message-ID"] = make_msgid(domain="klientka.pl")
    message.set_content(text)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(message)


def test_a_complaint_repeated_for_weeks_becomes_an_action_and_the_chart_shows_before_and_after(
    support_team, agent_anna, receive, settings, client
):
    from klient.people.actions import create_agent

    settings.KLIENT_VOICE_REFRESH_SECONDS = 0
    lead, lead_token = create_agent("marta@bank.example", name="Marta Lead", teams=[support_team])
    support_team.lead = lead
    support_team.save(update_fields=["lead"])
    now = timezone.localtime()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    for weeks_ago, sender, text in EARLIER:
        # Stored as the mail pipeline stores them: with their detected language.
        receive(
            support_team,
            sender,
            "Doradca",
            text,
            received_at=noon - timedelta(weeks=weeks_ago),
            language="pl",
        )

    # This week she writes again, by email, to the bank's real mail server.
    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        email_to_support(
            listener.port,
            "Ola Wiśniewska <ola@klientka.pl>",
            "Minął miesiąc i nic się nie zmieniło. Doradca dalej nie oddzwania.",
        )
        drain()
    finally:
        listener.stop()

    # One topic, in her language, with a weekly series: the same complaint for weeks.
    found = Topic.objects.filter(team=support_team, active=True)
    [topic] = found
    assert topic.language == "pl"
    assert topic.volume == 9
    assert {"doradca", "oddzwania", "oddzwonił"} & set(topic.label)
    assert topic.weeks.count() == 7  # six weeks ago to this one

    # The team lead turns it into a corrective action, owned by Anna, linking Ola's case.
    ola_case = topic.messages.filter(message__from_address="ola@klientka.pl").first().conversation
    response = client.post(
        "/api/v1/corrective-actions",
        data=json.dumps(
            {
                "topic": topic.pk,
                "owner": agent_anna.pk,
                "due_date": (now.date() + timedelta(days=14)).isoformat(),
                "description": "Każdy doradca ma zastępcę; klient słyszy jego nazwisko.",
                "conversations": [ola_case.reference],
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {lead_token}"},
    )
    assert response.status_code == 201, response.json()
    action = CorrectiveAction.objects.get(pk=response.json()["id"])
    assert response.json()["volume"]["before"] == 1.5  # 6 complaints in the 4 weeks before
    worker_runs()
    assert Notification.objects.filter(recipient=agent_anna, kind="voice.action_assigned")

    # Anna, the owner, closes it from the dashboard with what was changed.
    anna = signed_in(agent_anna)
    anna.post(
        f"/voice/actions/{action.pk}/close",
        {"resolution": "Zastępstwa doradców w grafiku; automatyczna odpowiedź podaje zastępcę."},
    )
    action.refresh_from_db()
    assert action.state == "closed"

    # Weeks later, one more complaint only.
    receive(
        support_team,
        "jan@poczta.pl",
        "Doradca",
        "Doradca znów nie oddzwonił.",
        received_at=noon + timedelta(weeks=2),
        language="pl",
    )
    later = noon + timedelta(weeks=4)
    worker_runs(at=later)

    with freeze_time(later):
        page = signed_in(lead).get("/voice/?weeks=12")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="topic-{topic.pk}"' in html  # the same topic, recognised again
    assert 'data-marker="created"' in html and 'data-marker="closed"' in html
    # Before: 1.5 a week; since it was closed: 1 complaint in 3 full weeks.
    assert 'data-before="1.5"' in html or 'data-before="1,5"' in html
    assert 'data-after="0.3"' in html or 'data-after="0,3"' in html
    assert "Zastępstwa doradców w grafiku" in html
