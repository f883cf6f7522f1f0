"""The author of a reply that was not delivered is told: an in-app notification and its
email copy, in the author's language, with the relay's reason and a link to the failure in
the conversation's timeline (where Resend is). Once per failure; nobody else; nobody for an
automatic message."""

from __future__ import annotations

from django.utils import translation

from klient.conversations.actions import acknowledge, reply, resend
from klient.notifications.models import Notification
from klient.notifications.undelivered import notify_undelivered
from klient.people.models import AgentProfile
from support import run_worker

REFUSAL = "550 5.1.1 <luc@client.fr>: Recipient address rejected: User unknown"


def polish(agent):
    """The agent reads Klient in Polish (the UI and notification language)."""
    AgentProfile.objects.filter(user=agent).update(language="pl", languages=["pl", "en"])
    return agent


def test_the_author_is_notified_in_their_language_in_the_app_and_by_email(
    luc, agent_anna, agent_bruno, smtp_sink
):
    polish(agent_anna)
    smtp_sink.answer_next(REFUSAL)
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")

    run_worker()  # refused, recorded, the author told, the email copy sent

    [notification] = Notification.objects.all()
    failure = luc.events.get(kind="delivery.failed")
    assert notification.recipient == agent_anna
    assert notification.kind == "reply_not_delivered"
    assert notification.conversation_id == luc.pk
    assert notification.url == f"/c/{luc.reference}/#e-{failure.pk}"
    with translation.override("pl"):  # worded in the reader's language when read
        text = notification.worded()
    assert text.startswith(f"Twoja odpowiedź w {luc.reference} „Coupure”")
    assert "nie została doręczona" in text
    assert REFUSAL in text
    assert notification.email_state == "sent"
    [email] = [m for m in smtp_sink.parsed() if m["To"].addresses[0].addr_spec == agent_anna.email]
    assert "nie została doręczona" in email["Subject"]
    assert f"#e-{failure.pk}" in email.get_content()
    assert answer.message_id not in [m["Message-ID"] for m in smtp_sink.parsed()]


def test_an_english_speaking_author_reads_it_in_english(luc, agent_anna, smtp_sink):
    AgentProfile.objects.filter(user=agent_anna).update(language="en", languages=["en"])
    smtp_sink.answer_next(REFUSAL)
    reply(luc, actor=agent_anna, body="We are looking into it.")

    run_worker()

    [notification] = Notification.objects.all()
    assert notification.text == (
        f"Your reply on {luc.reference} “Coupure” was not delivered: {REFUSAL}. "
        "Open it to resend it."
    )


def test_once_per_failure_and_again_when_a_resend_fails(luc, agent_anna, smtp_sink):
    smtp_sink.answer_next(REFUSAL)
    answer = reply(luc, actor=agent_anna, body="Nous regardons.")
    run_worker()
    failure = luc.events.get(kind="delivery.failed")

    assert notify_undelivered([failure.pk]) == 0  # a repeated call finds it
    assert Notification.objects.count() == 1

    smtp_sink.answer_next("554 5.7.1 Message rejected")
    resend(answer, actor=agent_anna)
    run_worker()

    second, first = Notification.objects.order_by("-id")
    assert first.url != second.url
    assert "554 5.7.1" in second.text


def test_nobody_is_notified_of_an_automatic_message(luc, smtp_sink):
    smtp_sink.answer_next(REFUSAL)
    acknowledge(luc, body="Nous avons bien reçu votre message.")

    run_worker()

    assert luc.events.filter(kind="delivery.failed").exists()
    assert not Notification.objects.exists()
