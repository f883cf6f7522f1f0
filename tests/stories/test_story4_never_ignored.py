"""Story 4, "The customer is our master???": she asked for an invoice, got one reply, asked
why — politely, twice — and nobody answered. In Klient every message is a conversation
that stays visibly unanswered until a person replies; automatic replies never count;
her reply threads back into the same case and the answer reaches her threaded."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from klient.conversations.actions import reply
from klient.conversations.models import Conversation
from klient.core.worker import drain
from klient.mail.addresses import verified_reference
from klient.mail.smtp import SmtpListener
from support import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def send(port: int, frm: str, subject: str, body: str, charset: str = "utf-8", **headers) -> str:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = "support@shop.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="klientka.pl")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body, charset=charset)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(msg)
    return msg["Message-ID"]


def test_her_questions_stay_unanswered_until_a_person_answers_and_the_answer_threads(
    support_team, agent_anna, smtp_sink
):
    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        # She asks for a VAT invoice, in Polish, from an iso-8859-2 mail client.
        send(
            listener.port,
            "Ola Wiśniewska <ola@klientka.pl>",
            "Faktura VAT do zamówienia",
            "Dzień dobry, proszę o fakturę VAT na firmę. NIP: 525-000-00-00.",
            charset="iso-8859-2",
        )
        drain()
        conversation = Conversation.objects.get()
        assert conversation.customer.name == "Ola Wiśniewska"
        assert not conversation.is_answered

        # An agent answers; the answer reaches her inbox threaded, with a signed Reply-To.
        answer = reply(conversation, actor=agent_anna, body="Niestety nie wystawiamy faktur VAT.")
        drain()
        [received] = smtp_sink.wait_for(1)
        assert received["To"] == "ola@klientka.pl"
        assert received["Message-ID"] == answer.message_id
        assert f"[{conversation.reference}]" in received["Subject"]
        assert verified_reference(received["Reply-To"].addresses[0].addr_spec) == (
            conversation.reference
        )

        # Her out-of-office fires back: it must not look like she is waiting again...
        send(
            listener.port,
            "ola@klientka.pl",
            "Automatyczna odpowiedź: Faktura VAT",
            "Jestem poza biurem do poniedziałku.",
            In_Reply_To=answer.message_id,
            Auto_Submitted="auto-replied",
        )
        drain()
        conversation.refresh_from_db()
        assert conversation.is_answered

        # ...but her polite "why?" must, and it joins the same case.
        send(
            listener.port,
            "ola@klientka.pl",
            f"Re: {received['Subject']}",
            "Dlaczego? Pytam grzecznie.\n\n> Niestety nie wystawiamy faktur VAT.",
            In_Reply_To=answer.message_id,
            References=answer.message_id,
        )
        drain()
        conversation.refresh_from_db()
        assert Conversation.objects.count() == 1
        assert not conversation.is_answered
        why = conversation.messages.filter(kind="inbound", is_auto_reply=False).last()
        assert why.new_text.strip() == "Dlaczego? Pytam grzecznie."
        assert conversation.events.filter(kind="message.received").count() == 3
    finally:
        listener.stop()


def test_her_unanswered_why_is_escalated_to_the_assignee_then_the_lead(
    support_team, agent_anna, admin_zofia, smtp_sink
):
    """Nobody answers her "why?": when the next-reply target is missed, Anna (assigned) is
    told at once, and half an hour later Zofia, who leads Support — in the app and by
    email, each once, however often the scheduler runs."""
    from datetime import timedelta

    from klient.conversations.actions import update_conversation
    from klient.notifications.models import Notification
    from klient.sla import scheduler
    from klient.sla.admin_actions import save_policy
    from klient.sla.models import EscalationStep

    support_team.lead = admin_zofia
    support_team.save(update_fields=["lead"])
    policy = save_policy(
        actor=None,
        name="Never ignored",
        first_reply_minutes=60,
        next_reply_minutes=60,
        business_time=False,
    )
    for delay, action in [(0, "notify_assignee"), (30, "notify_team_lead")]:
        EscalationStep.objects.create(
            policy=policy, trigger="breach", target="next_reply", delay_minutes=delay, action=action
        )
    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        send(listener.port, "ola@klientka.pl", "Faktura VAT", "Proszę o fakturę VAT.")
        drain()
        conversation = Conversation.objects.get()
        update_conversation(conversation, actor=admin_zofia, assignee=agent_anna)
        answer = reply(conversation, actor=agent_anna, body="Niestety nie wystawiamy faktur VAT.")
        drain()
        send(
            listener.port,
            "ola@klientka.pl",
            "Re: Faktura VAT",
            "Dlaczego?",
            In_Reply_To=answer.message_id,
        )
        drain()
        asked = conversation.events.filter(kind="message.received").last().at

        for minutes in (59, 60, 60, 89, 90, 90, 600):
            scheduler.tick(now=asked + timedelta(minutes=minutes, seconds=1))
            drain()

        escalated = conversation.events.filter(kind="sla.escalated").order_by("id")
        assert [(e.data["action"], e.data["target"]) for e in escalated] == [
            ("notify_assignee", "next_reply"),
            ("notify_team_lead", "next_reply"),
        ]
        assert escalated[1].at - escalated[0].at == timedelta(minutes=30)
        told = Notification.objects.filter(conversation=conversation).order_by("id")
        assert [n.recipient for n in told] == [agent_anna, admin_zofia]
        assert all(n.email_state == "sent" for n in told)
        emails = [m for m in smtp_sink.parsed() if m["Auto-Submitted"] == "auto-generated"]
        assert sorted(m["To"].addresses[0].addr_spec for m in emails) == [
            "anna@shop.example",
            "zofia@shop.example",
        ]
    finally:
        listener.stop()
