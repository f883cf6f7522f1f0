"""Every reason Klient writes when it quarantines a mail has its wording in the five
languages; one it does not know (an unexpected error's own text) is shown as stored."""

from __future__ import annotations

import pytest
from django.utils import translation

from klient.mail.quarantine_reasons import worded

REASONS = [
    "the email has no usable From address",
    "no team receives mail for the recipients (sales@shop.example, none)",
    "the From address is 900 characters long; at most 320 can be stored",
    "unreadable email: 'ascii' codec can't decode",
    "permanent database error, not retried: DataError: value too long",
    "database error after 5 attempts: OperationalError: database is locked",
]


@pytest.mark.parametrize("reason", REASONS)
@pytest.mark.parametrize("language", ["fr", "pl", "de", "uk"])
def test_each_reason_is_worded_in_the_readers_language(reason, language):
    with translation.override("en"):
        english = worded(reason)
    with translation.override(language):
        translated = worded(reason)

    assert english != reason  # a pattern knows it
    assert translated != english


def test_the_details_are_kept_in_the_wording():
    with translation.override("pl"):
        assert worded(REASONS[2]) == (
            "Pole Adres nadawcy ma 900 znaków; można zapisać najwyżej 320."
        )
        assert worded(REASONS[5]).endswith("OperationalError: database is locked")


def test_an_unknown_reason_is_shown_as_stored():
    with translation.override("de"):
        assert worded("KeyError: 'x'") == "KeyError: 'x'"
