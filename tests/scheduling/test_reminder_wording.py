"""A consultant lost a client with one doubting sentence in a reminder. Klient's reminders,
in every language, confirm the time and place and offer to move it; none asks whether
the customer will really come."""

from __future__ import annotations

import pytest
from care_helpers import book_as_customer

from klient.scheduling import messages

LANGUAGES = ["en", "fr", "pl", "de", "uk"]
# Phrasings that doubt the customer will come, in the five languages (lower case).
DOUBTING = [
    "actually",
    "really",
    "whether you will",
    "if you will",
    "still coming",
    "still planning",
    "will you come",
    "don't forget",
    "do not forget",
    "no-show",
    "tatsächlich",
    "wirklich",
    "ob sie",
    "noch kommen",
    "vergessen sie nicht",
    "vraiment",
    "si vous venez",
    "si vous viendrez",
    "n'oubliez pas",
    "n’oubliez pas",
    "naprawdę",
    "czy przyjdziesz",
    "czy na pewno",
    "nie zapomnij",
    "справді",
    "чи прийдете",
    "чи ви прийдете",
    "не забудьте",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reminder_texts_contain_no_doubting_phrasing(interview, language):
    appointment, _token = book_as_customer(interview, language=language)
    reminder = messages.reminder(appointment)
    texts = [reminder.subject, reminder.body, reminder.sms]
    lowered = " ".join(texts).lower()
    # The messages after a lost connection or a missed meeting are held to the same rule.
    for other in (
        messages.lost_connection_to_customer(appointment),
        messages.missed(appointment, party="customer", slots=[]),
        messages.missed(appointment, party="agent", slots=[]),
    ):
        lowered += " " + " ".join([other.subject, other.body, other.sms]).lower()
    assert [phrase for phrase in DOUBTING if phrase in lowered] == []
    # It confirms: the time with its zone, the place, and the way to move it.
    assert "(America/New_York)" in reminder.body
    assert interview.location in reminder.body
    assert messages.manage_url(appointment) in reminder.body
    assert messages.manage_url(appointment) in reminder.sms


def test_the_doubt_check_can_fail():
    """The list catches a doubting sentence (so the test above can fail)."""
    sentence = "Please let us know whether you will actually come."
    assert [p for p in DOUBTING if p in sentence.lower()] == ["actually", "whether you will"]


@pytest.mark.parametrize("language", ["fr", "pl", "de", "uk"])
def test_the_reminder_is_in_the_customers_language(interview, language):
    appointment, _token = book_as_customer(interview, language=language)
    english_subject = f"Your appointment: {interview.name}"
    assert not messages.reminder(appointment).subject.startswith(english_subject)
