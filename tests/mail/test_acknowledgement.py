"""Story 4: "one automatic reply, then a month of silence". The acknowledgement is honest
about being automatic, sent at most once a day, never to automatic mail, never an answer."""

import pytest

from klient.conversations.models import Conversation
from klient.core.worker import drain
from klient.mail import actions

pytestmark = pytest.mark.django_db(transaction=True)


def mail(subject: str, body: str, **headers: str) -> bytes:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (
        "From: Loïc <luc@client.fr>\r\nTo: support@shop.example\r\n"
        f"Subject: {subject}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def acknowledging_team(support_team):
    support_team.acknowledge = True
    support_team.save(update_fields=["acknowledge"])
    return support_team


def receive(raw: bytes, source: str = "smtp") -> None:
    inbound, _ = actions.accept_raw(raw, source=source)
    actions.process_inbound(inbound.pk)
    drain()


def test_the_acknowledgement_is_in_the_customers_language_and_is_not_an_answer(
    acknowledging_team, smtp_sink
):
    receive(
        mail(
            "Entretien manqué",
            "Bonjour, une coupure de courant m'a empêché de "
            "rejoindre l'appel vidéo. Pouvons-nous reprogrammer ?",
            **{"Message-ID": "<a1@c.fr>"},
        )
    )

    [ack] = smtp_sink.wait_for(1)
    conversation = Conversation.objects.get()
    assert ack["Auto-Submitted"] == "auto-replied"
    text = ack.get_body(("plain",)).get_content()
    assert "confirmation automatique" in text
    assert conversation.reference in text
    assert not conversation.is_answered


def test_at_most_one_acknowledgement_per_conversation_per_day(acknowledging_team, smtp_sink):
    receive(
        mail(
            "Entretien manqué",
            "Bonjour, pouvons-nous reprogrammer l'appel ?",
            **{"Message-ID": "<b1@c.fr>"},
        )
    )
    reference = Conversation.objects.get().reference
    receive(
        mail(
            f"Re: Entretien manqué [{reference}]",
            "Je suis de nouveau connecté.",
            **{"Message-ID": "<b2@c.fr>"},
        )
    )

    assert Conversation.objects.count() == 1
    assert len(smtp_sink.wait_for(2, timeout=1.5)) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"List-Id": "<news.client.fr>"},
    ],
)
def test_automatic_mail_is_never_answered_automatically(acknowledging_team, smtp_sink, headers):
    receive(mail("Réponse automatique", "Je suis absent du bureau.", **headers))

    assert Conversation.objects.count() == 1
    assert smtp_sink.wait_for(1, timeout=1.5) == []


def test_imported_history_is_never_acknowledged(acknowledging_team, smtp_sink):
    receive(mail("Vieux message", "Bonjour, ceci date de l'an dernier."), source="import")

    assert Conversation.objects.count() == 1
    assert smtp_sink.wait_for(1, timeout=1.5) == []
