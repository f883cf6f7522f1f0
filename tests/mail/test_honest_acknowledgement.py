"""Story 4: "one automatic reply — then a month of silence". When the team acknowledges, the
automatic reply says by when a person will answer: the first-reply (or next-reply) due
moment of the policy that applies, on the team's business calendar, in the customer's
language and time zone. Each mail goes through the real pipeline and arrives at a real
SMTP sink; the clock is moved across a weekend, a holiday, a closure and a DST change."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from klient.calendars.actions import save_team_hours
from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Message
from klient.core.worker import drain
from klient.mail import actions
from klient.people.actions import find_or_create_customers_by_email
from klient.sla.actions import recompute
from klient.sla.admin_actions import save_policy

pytestmark = pytest.mark.django_db(transaction=True)

WEEKDAYS_9_TO_5 = {day: [("09:00", "17:00")] for day in range(5)}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def acknowledging_team(support_team):
    """Support acknowledges, works 9-17 Monday to Friday in Warsaw (Polish holidays, and
    closed the week of 15 June 2026) and promises a first reply within 4 business hours."""
    support_team.acknowledge = True
    support_team.save(update_fields=["acknowledge"])
    save_team_hours(
        support_team,
        actor=None,
        time_zone="Europe/Warsaw",
        hours=WEEKDAYS_9_TO_5,
        country="PL",
        closures=["2026-06-15", "2026-06-16", "2026-06-17", "2026-06-18", "2026-06-19"],
    )
    save_policy(
        actor=None,
        name="Standard",
        team=support_team,
        first_reply_minutes=240,
        next_reply_minutes=120,
    )
    return support_team


def mail(sender: str, subject: str, body: str, message_id: str, **headers: str) -> bytes:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (
        f"From: {sender}\r\nTo: support@shop.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{message_id}>\r\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def arrives_at(moment: datetime, raw: bytes) -> None:
    """The mail arrives at `moment` and everything it sets off runs then."""
    with freeze_time(moment):
        inbound, _ = actions.accept_raw(raw, source="smtp")
        actions.process_inbound(inbound.pk)
        drain()


def customer_in_zone(address: str, zone: str) -> None:
    customer = find_or_create_customers_by_email({address: ""})[address]
    customer.time_zone = zone
    customer.save(update_fields=["time_zone"])


def text_of(acknowledgement) -> str:
    return " ".join(acknowledgement.get_body(("plain",)).get_content().split())


def test_polish_across_a_weekend_and_easter_monday(acknowledging_team, smtp_sink):
    # Friday 3 April 2026, 14:00 in Warsaw: 3 hours on Friday, Easter Monday is a holiday,
    # the fourth hour is Tuesday 9-10.
    arrives_at(
        utc(2026, 4, 3, 12),
        mail(
            "ola@klientka.pl",
            "Faktura VAT",
            "Dzień dobry, proszę o fakturę VAT za zamówienie. Podaję NIP firmy w załączniku.",
            "pl1@klientka.pl",
        ),
    )

    [ack] = smtp_sink.wait_for(1)
    assert "Odpowiemy najpóźniej we wtorek do 10:00 (Europe/Warsaw)." in text_of(ack)
    assert Conversation.objects.get().reference in text_of(ack)


def test_ukrainian_in_her_own_zone_across_the_spring_dst_change(acknowledging_team, smtp_sink):
    # Friday 27 March 2026, 16:00 in Warsaw (CET): one hour on Friday; clocks go forward on
    # Sunday; three hours on Monday: 12:00 CEST in Warsaw, 13:00 EEST in Kyiv.
    customer_in_zone("oksana@poshta.ua", "Europe/Kyiv")
    arrives_at(
        utc(2026, 3, 27, 15),
        mail(
            "oksana@poshta.ua",
            "Рахунок",
            "Добрий день! Прошу надіслати рахунок-фактуру за останнє замовлення. Дякую.",
            "uk1@poshta.ua",
        ),
    )

    [ack] = smtp_sink.wait_for(1)
    assert "Ми відповімо вам найпізніше у понеділок до 13:00." in text_of(ack)
    assert "Europe/" not in text_of(ack)


def test_french_same_day_in_her_own_zone(acknowledging_team, smtp_sink):
    customer_in_zone("luc@client.fr", "Europe/Paris")
    # Tuesday 9 June 2026, 09:30 in Paris and Warsaw: due 13:30 the same day.
    arrives_at(
        utc(2026, 6, 9, 7, 30),
        mail(
            "luc@client.fr",
            "Entretien manqué",
            "Bonjour, une coupure de courant m'a empêché de rejoindre l'appel vidéo. "
            "Pouvons-nous reprogrammer l'entretien ?",
            "fr1@client.fr",
        ),
    )

    [ack] = smtp_sink.wait_for(1)
    assert "vous répondra au plus tard aujourd’hui à 13 h 30." in text_of(ack)
    assert "confirmation automatique" in text_of(ack)


def test_german_tomorrow(acknowledging_team, smtp_sink):
    # Wednesday 10 June 2026, 16:00 in Warsaw: one hour today, three tomorrow.
    arrives_at(
        utc(2026, 6, 10, 14),
        mail(
            "jana@beratung.de",
            "Termin am Donnerstag",
            "Guten Tag, ich möchte meinen Termin für Donnerstag bestätigen. Für Rückfragen "
            "bin ich gern erreichbar. Mit freundlichen Grüßen",
            "de1@beratung.de",
        ),
    )

    [ack] = smtp_sink.wait_for(1)
    assert "antwortet Ihnen spätestens morgen um 12:00 Uhr (Europe/Warsaw)." in text_of(ack)


def test_english_past_a_week_long_closure_names_the_date(acknowledging_team, smtp_sink):
    # Friday 12 June 2026, 16:00 in Warsaw: one hour, then the team is closed all week.
    arrives_at(
        utc(2026, 6, 12, 14),
        mail(
            "sam@example.com",
            "New website",
            "Hello, we would like a quote for a new website for our bakery. "
            "Could you tell us when you could start and roughly what it would cost?",
            "en1@example.com",
        ),
    )

    [ack] = smtp_sink.wait_for(1)
    assert (
        "A person from our team will answer you on Monday 22 June by 12:00 (Europe/Warsaw) "
        "at the latest." in text_of(ack)
    )


def test_the_promise_is_the_first_reply_due_time_and_the_acknowledgement_never_meets_it(
    acknowledging_team, smtp_sink
):
    arrives_at(
        utc(2026, 4, 3, 12),
        mail(
            "ola@klientka.pl",
            "Faktura VAT",
            "Dzień dobry, proszę o fakturę VAT za zamówienie. Podaję NIP firmy.",
            "pl2@klientka.pl",
        ),
    )
    smtp_sink.wait_for(1)
    conversation = Conversation.objects.get()
    acknowledgement = Message.objects.get(sender=Message.Sender.SYSTEM)

    with freeze_time(utc(2026, 4, 3, 12, 5)):
        sla = recompute(conversation.pk)

    assert acknowledgement.delivery.state == "sent"
    assert sla.first_reply_due == utc(2026, 4, 7, 8)  # Tuesday 10:00 in Warsaw
    assert sla.first_reply_at is None
    assert not sla.stopped and not sla.paused
    assert not Conversation.objects.get().is_answered


def test_a_follow_up_after_an_answer_promises_the_next_reply(
    acknowledging_team, agent_anna, smtp_sink
):
    arrives_at(
        utc(2026, 6, 8, 8),
        mail(
            "ola@klientka.pl",
            "Faktura VAT",
            "Dzień dobry, proszę o fakturę VAT za zamówienie. Podaję NIP firmy.",
            "pl3@klientka.pl",
        ),
    )
    conversation = Conversation.objects.get()
    with freeze_time(utc(2026, 6, 8, 9)):
        answer = reply(conversation, actor=agent_anna, body="Dzień dobry, już wystawiamy.")
        drain()
    smtp_sink.wait_for(2)

    # The next day (one acknowledgement a day), Tuesday 9 June, 16:30 in Warsaw: the next
    # reply is due within 2 business hours: 30 minutes today, 90 tomorrow.
    arrives_at(
        utc(2026, 6, 9, 14, 30),
        mail(
            "ola@klientka.pl",
            f"Re: Faktura VAT [{conversation.reference}]",
            "Dziękuję, ale na fakturze brakuje numeru NIP. Proszę o poprawienie.",
            "pl4@klientka.pl",
            **{"In-Reply-To": f"<{answer.message_id.strip('<>')}>"},
        ),
    )

    acknowledgements = [m for m in smtp_sink.wait_for(3) if m["Auto-Submitted"]]
    assert len(acknowledgements) == 2
    assert "Odpowiemy najpóźniej jutro do 10:30 (Europe/Warsaw)." in text_of(acknowledgements[1])


def test_without_a_policy_no_time_is_promised(support_team, smtp_sink):
    support_team.acknowledge = True
    support_team.save(update_fields=["acknowledge"])

    arrives_at(
        utc(2026, 6, 9, 7, 30),
        mail(
            "jana@beratung.de",
            "Frage zur Rechnung",
            "Guten Tag, ich habe eine Frage zu meiner letzten Rechnung. Können Sie mir bitte "
            "helfen? Mit freundlichen Grüßen",
            "de2@beratung.de",
        ),
    )

    [ack] = smtp_sink.wait_for(1)
    assert "Eine Person aus unserem Team wird Ihnen antworten." in text_of(ack)
    assert "spätestens" not in text_of(ack) and "Uhr" not in text_of(ack)
