"""Story: while answering, an agent sees knowledge-base articles that match what the
customer wrote, in the customer's language; the portal reads public articles (h6)."""

from __future__ import annotations

import pytest

from klient.knowledge.actions import save_article
from klient.knowledge.demo import seed_demo
from klient.knowledge.models import Article
from klient.knowledge.queries import public_article, suggest_articles


@pytest.fixture
def articles(db):
    return {article.slug: article for article in seed_demo()}


def test_polish_invoice_question_finds_the_vat_invoice_article(articles):
    found = suggest_articles(
        "Dzień dobry, potrzebuję faktury z numerem NIP do zamówienia 4411",
        "pl",
        public_only=False,
    )
    assert found[0].slug == "invoices-vat-number"
    assert found[0].language == "pl"
    assert found[0].title == "Faktura VAT z numerem NIP"


def test_german_delivery_question_finds_the_delivery_article(articles):
    found = suggest_articles(
        "Guten Tag, wie lange dauert die Lieferung nach Deutschland?", "de", public_only=True
    )
    assert found[0].slug == "delivery-times"
    assert found[0].title == "Lieferzeiten"
    assert found[0].body.startswith("Bestellungen")


def test_german_invoice_question_prefers_the_invoice_article(articles):
    found = suggest_articles("Ich brauche eine Rechnung mit USt-IdNr.", "de", public_only=True)
    assert found[0].slug == "invoices-vat-number"


def test_ukrainian_and_french_questions_match_in_their_language(articles):
    assert suggest_articles("Коли буде доставка?", "uk", public_only=True)[0].slug == (
        "delivery-times"
    )
    assert suggest_articles("Ma facture sans TVA", "fr", public_only=True)[0].slug == (
        "invoices-vat-number"
    )


def test_internal_articles_are_never_suggested_to_the_public(articles):
    question = "Zwrot pieniędzy powyżej 200 EUR"
    assert "refunds-approval" in [
        a.slug for a in suggest_articles(question, "pl", public_only=False)
    ]
    assert "refunds-approval" not in [
        a.slug for a in suggest_articles(question, "pl", public_only=True)
    ]


def test_drafts_are_not_suggested(db):
    save_article(actor=None, slug="secret", texts={"en": ("Invoice draft", "Invoices soon")})
    assert suggest_articles("invoice", "en", public_only=False) == []


def test_a_text_of_only_greetings_suggests_nothing(articles):
    assert suggest_articles("Dzień dobry, dziękuję!", "pl", public_only=False) == []


def test_public_article_falls_back_to_english_and_hides_internal_ones(articles):
    assert public_article("delivery-times", "pl").title == "Czas dostawy"
    save_article(
        actor=None,
        slug="returns",
        texts={"en": ("Returns", "Send it back within 30 days.")},
        audience=Article.Audience.PUBLIC,
        status=Article.Status.PUBLISHED,
    )
    assert public_article("returns", "uk").language == "en"
    assert public_article("refunds-approval", "en") is None
    assert public_article("no-such-article", "en") is None


def test_editing_an_article_reindexes_it(articles):
    article = articles["delivery-times"]
    save_article(
        actor=None,
        article=article,
        texts={"en": ("Shipping to Mars", "Rockets leave every Tuesday.")},
        audience=article.audience,
        status=article.status,
    )
    assert [a.slug for a in suggest_articles("rocket to mars", "en", public_only=True)] == [
        "delivery-times"
    ]
    assert suggest_articles("Wie lange dauert die Lieferung", "de", public_only=True) == []
