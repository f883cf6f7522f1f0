"""Klient's own words to customers pass the tone guard in all five languages: the
acknowledgement, the appointment reminder, invitation and lost-connection emails, and the
satisfaction survey email. And story 5: the consultant's reminder draft that lost her a
client of three years is flagged as doubting, with a warmer wording."""

import ast
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

import klient
from klient.mail.acknowledgement import acknowledgement_text
from klient.tone import guard

SRC = Path(klient.__file__).parent
LANGUAGES = ("en", "fr", "pl", "de", "uk")
# The modules that word what Klient itself sends to customers.
CUSTOMER_TEXTS = (
    "scheduling/messages.py",
    "scheduling/invitation_mail.py",
    "surveys/sending.py",
)


def msgids(module: str) -> list[str]:
    """Every literal given to gettext (`_`) in the module."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "gettext", "pgettext"}
            and node.args
            and isinstance(node.args[-1], ast.Constant)
            and isinstance(node.args[-1].value, str)
        ):
            found.append(node.args[-1].value)
    return found


def test_the_customer_texts_are_found():
    assert all(len(msgids(module)) >= 3 for module in CUSTOMER_TEXTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", CUSTOMER_TEXTS)
def test_klients_own_emails_to_customers_pass_the_guard(db, module, language):
    with translation.override(language):
        texts = [gettext(msgid) for msgid in msgids(module)]
    for text in texts:
        assert guard.check(text, language)[1] == [], (language, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_acknowledgement_passes_the_guard(db, language):
    text = acknowledgement_text(language, reference="K-1042", team="Support")

    assert guard.check(text, language) == (language, [])


def test_story_5_the_consultants_reminder_draft_is_flagged_as_doubting(
    api, agent_anna, client_of_three_years
):
    draft = (
        "Guten Tag Frau Weber,\n\nich wollte nachfragen, ob Sie den Termin am Donnerstag "
        "tatsächlich wahrnehmen.\n\nViele Grüße"
    )

    response = api(
        agent_anna,
        "post",
        f"/api/v1/conversations/{client_of_three_years.reference}/check-reply",
        {"body": draft},
    )

    (finding,) = response.json()["findings"]
    assert finding["check"] == "tone"
    assert finding["category"] == "doubting"
    assert "tatsächlich" in finding["excerpt"]
    assert draft[finding["start"] : finding["end"]] == finding["excerpt"]
    assert finding["suggestion"].startswith("Könnten Sie uns bitte kurz bestätigen")


def test_story_5_the_respectful_reminder_passes(api, agent_anna, client_of_three_years):
    draft = (
        "Guten Tag Frau Weber,\n\nich freue mich auf unseren Termin am Donnerstag um 10 Uhr. "
        "Könnten Sie mir kurz bestätigen, ob es dabei bleibt, damit ich die Unterlagen "
        "vorbereiten kann?\n\nViele Grüße"
    )

    response = api(
        agent_anna,
        "post",
        f"/api/v1/conversations/{client_of_three_years.reference}/check-reply",
        {"body": draft},
    )

    assert response.json()["findings"] == []
