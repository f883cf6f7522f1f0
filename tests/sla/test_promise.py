"""The reply promise: its wording in five languages (today, tomorrow, a weekday, a date, the
zone when it is not the customer's own), and what the clock lets Klient promise."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from klient.conversations.actions import update_conversation
from klient.sla.promise import promised_reply
from klient.sla.promise_text import language_of, promise_sentence

WARSAW = ZoneInfo("Europe/Warsaw")
# Friday 3 April 2026, 14:00 in Warsaw.
NOW = datetime(2026, 4, 3, 12, tzinfo=UTC)


def warsaw(*args):
    return datetime(*args, tzinfo=WARSAW)


def say(language, due, *, zone=WARSAW, name_zone=False, now=NOW):
    return promise_sentence(language, due, now=now, zone=zone, name_zone=name_zone)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Odpowiemy najpóźniej dziś do 16:00."),
        ("en", "A person from our team will answer you today by 16:00 at the latest."),
        ("fr", "Une personne de notre équipe vous répondra au plus tard aujourd’hui à 16 h 00."),
        ("de", "Eine Person aus unserem Team antwortet Ihnen spätestens heute um 16:00 Uhr."),
        ("uk", "Ми відповімо вам найпізніше сьогодні до 16:00."),
    ],
)
def test_the_same_day(language, expected):
    assert say(language, warsaw(2026, 4, 3, 16)) == expected


@pytest.mark.parametrize(
    ("language", "due", "expected"),
    [
        ("pl", warsaw(2026, 4, 4, 10), "Odpowiemy najpóźniej jutro do 10:00."),
        ("pl", warsaw(2026, 4, 7, 10), "Odpowiemy najpóźniej we wtorek do 10:00."),
        ("pl", warsaw(2026, 4, 8, 9, 30), "Odpowiemy najpóźniej w środę do 09:30."),
        ("uk", warsaw(2026, 4, 9, 11), "Ми відповімо вам найпізніше у четвер до 11:00."),
        # A week ahead, the same weekday would be ambiguous: the date is given.
        ("uk", warsaw(2026, 4, 10, 11), "у пʼятницю, 10 квітня, до 11:00."),
        ("de", warsaw(2026, 4, 6, 10), "spätestens am Montag um 10:00 Uhr."),
        ("fr", warsaw(2026, 4, 9, 10), "au plus tard jeudi à 10 h 00."),
        ("en", warsaw(2026, 4, 5, 12), "answer you on Sunday by 12:00 at the latest."),
    ],
)
def test_tomorrow_and_weekdays_within_six_days(language, due, expected):
    assert say(language, due).endswith(expected)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Odpowiemy najpóźniej w poniedziałek, 13 kwietnia, do 10:00."),
        ("uk", "Ми відповімо вам найпізніше у понеділок, 13 квітня, до 10:00."),
        ("de", "spätestens am Montag, 13. April, um 10:00 Uhr."),
        ("fr", "au plus tard le lundi 13 avril à 10 h 00."),
        ("en", "answer you on Monday 13 April by 10:00 at the latest."),
    ],
)
def test_a_week_or_more_away_names_the_date(language, expected):
    assert say(language, warsaw(2026, 4, 13, 10)).endswith(expected)


def test_another_year_is_named():
    december = datetime(2026, 12, 30, 12, tzinfo=UTC)

    assert say("pl", warsaw(2027, 1, 7, 10), now=december).endswith(
        "w czwartek, 7 stycznia 2027 r., do 10:00."
    )
    assert say("en", warsaw(2027, 1, 7, 10), now=december).endswith(
        "Thursday 7 January 2027 by 10:00 at the latest."
    )


def test_the_days_count_in_the_customers_zone_and_the_team_zone_is_named():
    # 23:30 in Warsaw on Friday is already Saturday 00:30 in Kyiv.
    due = warsaw(2026, 4, 3, 23, 30)

    assert say("uk", due, zone=ZoneInfo("Europe/Kyiv")).endswith("завтра до 00:30.")
    assert say("pl", due, name_zone=True) == "Odpowiemy najpóźniej dziś do 23:30 (Europe/Warsaw)."


def test_a_due_moment_with_seconds_is_promised_the_minute_after():
    assert say("pl", warsaw(2026, 4, 3, 16, 0, 1)) == "Odpowiemy najpóźniej dziś do 16:01."


@pytest.mark.parametrize(
    ("code", "language"), [("pl-PL", "pl"), ("de_AT", "de"), ("UK", "uk"), ("pt", "en"), ("", "en")]
)
def test_language_codes(code, language):
    assert language_of(code) == language


# What the clock lets Klient promise


@pytest.mark.django_db
def test_no_policy_no_promise(support_team, warsaw_hours, receive, frozen):
    frozen.move_to(NOW)
    conversation = receive(support_team, "ola@klientka.pl", "Faktura", "Dzień dobry").conversation

    assert promised_reply(conversation.pk, now=NOW) is None


@pytest.mark.django_db
def test_the_first_reply_due_in_the_team_zone_when_the_customer_has_none(
    support_team, warsaw_hours, standard_policy, receive, frozen
):
    frozen.move_to(NOW)
    conversation = receive(support_team, "ola@klientka.pl", "Faktura", "Dzień dobry").conversation

    promise = promised_reply(conversation.pk, now=NOW)

    assert promise is not None
    assert (promise.target, promise.policy) == ("first_reply", "Standard")
    # 3 hours on Friday; Easter Monday 6 April is a holiday; 1 hour on Tuesday.
    assert promise.due_at == warsaw(2026, 4, 7, 10)
    assert (promise.zone.key, promise.customer_zone) == ("Europe/Warsaw", False)


@pytest.mark.django_db
def test_a_paused_clock_promises_nothing(
    support_team, agent_anna, warsaw_hours, standard_policy, receive, frozen
):
    frozen.move_to(NOW)
    conversation = receive(support_team, "ola@klientka.pl", "Faktura", "Dzień dobry").conversation
    update_conversation(conversation, actor=agent_anna, status="on_hold")

    assert promised_reply(conversation.pk, now=NOW + timedelta(minutes=1)) is None


@pytest.mark.django_db
def test_a_moment_already_past_is_not_promised(
    support_team, warsaw_hours, standard_policy, receive, frozen
):
    frozen.move_to(NOW)
    conversation = receive(support_team, "ola@klientka.pl", "Faktura", "Dzień dobry").conversation

    assert promised_reply(conversation.pk, now=warsaw(2026, 4, 7, 10)) is None
