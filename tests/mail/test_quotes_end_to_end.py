"""A customer answers inline, from an iPhone, over SMTP: the message keeps her own blocks as
its new text, the whole original stays in body_text, the API gives both, and the agent's
thread shows her words with the rest folded away and the original one click further."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.urls import reverse

from klient.conversations.models import Message
from klient.core.worker import drain
from klient.mail.smtp import SmtpListener
from support import free_port

pytestmark = pytest.mark.django_db(transaction=True)

INLINE_REPLY = (
    "Guten Tag,\n"
    "\n"
    "Am Di., 12. März 2024 um 11:50 Uhr schrieb Kundenservice Müller & Partner <\n"
    "support@shop.example>:\n"
    "> Wie lautet Ihre Bestellnummer?\n"
    "\n"
    "77120.\n"
    "\n"
    "> Und die Lieferadresse?\n"
    "\n"
    "Lindenstraße 12, 50667 Köln.\n"
    "\n"
    "Viele Grüße\n"
    "Claudia\n"
    "\n"
    "Von meinem iPhone gesendet\n"
)
HER_WORDS = "Guten Tag,\n\n77120.\n\nLindenstraße 12, 50667 Köln.\n\nViele Grüße\nClaudia"


def test_an_inline_answer_over_smtp_keeps_her_blocks_and_the_whole_original(
    support_team, agent_anna, anna_client, client
):
    listener = SmtpListener(port=free_port())
    listener.start()
    try:
        mail = EmailMessage()
        mail["From"] = "Claudia Vogt <claudia.vogt@web.example>"
        mail["To"] = support_team.inbound_address
        mail["Subject"] = "Re: Ihre Bestellung"
        mail["Message-ID"] = make_msgid(domain="web.example")
        mail.set_content(INLINE_REPLY)
        with smtplib.SMTP("127.0.0.1", listener.port) as smtp:
            smtp.send_message(mail)
        drain()
    finally:
        listener.stop()

    message = Message.objects.get(message_id=mail["Message-ID"])
    assert message.new_text == HER_WORDS
    assert "> Wie lautet Ihre Bestellnummer?" in message.body_text
    assert "Von meinem iPhone gesendet" in message.body_text

    conversation = message.conversation
    detail = client.get(
        f"/api/v1/conversations/{conversation.reference}",
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    ).json()
    [out] = detail["messages"]
    assert out["new_text"] == HER_WORDS
    assert "Und die Lieferadresse?" in out["body_text"]

    page = anna_client.get(reverse("workspace:conversation", args=[conversation.reference]))
    html = page.content.decode()
    assert "Lindenstraße 12, 50667 Köln." in html
    assert "<details" in html  # the quoted history, folded
    original = reverse("workspace:original", args=[conversation.reference, message.pk])
    assert original in html
    assert "Und die Lieferadresse?" in anna_client.get(original).content.decode()
