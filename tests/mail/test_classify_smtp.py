"""Over real SMTP: an out-of-office with no tell-tale header is read as automatic from its
wording and does not make the customer wait again; a person writing about being out of the
office, with a question, does (story 4: automatic replies never count, people always do)."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from klient.api.serializers import message_out
from klient.conversations.actions import reply
from klient.conversations.models import Conversation
from klient.core.worker import drain
from klient.mail.smtp import SmtpListener
from support import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def send(port: int, subject: str, body: str, **headers: str) -> None:
    msg = EmailMessage()
    msg["From"] = "Tomasz Wiśniewski <tomasz@jasna.example>"
    msg["To"] = "support@shop.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="jasna.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(msg)


def test_a_headerless_out_of_office_does_not_wait_but_a_person_out_of_office_does(
    support_team, agent_anna, smtp_sink
):
    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        send(listener.port, "Zamówienie 4471", "Dzień dobry, paczka nie dotarła. Co się stało?")
        drain()
        conversation = Conversation.objects.get()
        answer = reply(conversation, actor=agent_anna, body="Sprawdzamy u przewoźnika.")
        drain()
        smtp_sink.wait_for(1)

        # His mail server answers with an out-of-office and sets no header at all.
        send(
            listener.port,
            "Odp: Zamówienie 4471",
            "Jestem poza biurem do poniedziałku 14 kwietnia bez dostępu do poczty.\n"
            "W pilnych sprawach proszę kontaktować się z p. Anną Nowak.",
            In_Reply_To=answer.message_id,
        )
        drain()
        conversation.refresh_from_db()
        assert conversation.is_answered
        notice = conversation.messages.filter(kind="inbound").latest("pk")
        assert notice.is_auto_reply
        assert notice.auto_score is not None and notice.auto_score >= 0.6
        assert {"absence", "stand_in", "no_question"} <= set(notice.auto_reasons)
        shown = message_out(notice)
        assert shown["auto_reasons"] == notice.auto_reasons
        assert shown["flags"]["auto_reply"]

        # He himself writes that he is out of the office next week, and asks: he waits.
        send(
            listener.port,
            "Odp: Zamówienie 4471",
            "W przyszłym tygodniu jestem poza biurem, proszę dzwonić na komórkę. "
            "Kiedy przyjdzie paczka?",
            In_Reply_To=answer.message_id,
        )
        drain()
        conversation.refresh_from_db()
        assert not conversation.is_answered
        person = conversation.messages.filter(kind="inbound").latest("pk")
        assert not person.is_auto_reply
        assert "question" in person.auto_reasons
        assert person.auto_score is not None and person.auto_score < 0.6
    finally:
        listener.stop()
