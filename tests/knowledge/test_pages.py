"""Story: agents write, find and read knowledge-base articles, and see matching ones next
to the reply box with a button that puts them into the reply."""

from __future__ import annotations

import pytest
from django.test import Client

from klient.knowledge.demo import seed_demo
from klient.knowledge.models import Article


@pytest.fixture
def anna(agent_anna):
    client = Client()
    client.force_login(agent_anna)
    return client


def test_an_agent_writes_an_article_in_two_languages_and_reads_it(anna):
    response = anna.post(
        "/knowledge/new/",
        {
            "audience": "public",
            "status": "published",
            "title_en": "Returns",
            "body_en": "Send the parcel back within 30 days.",
            "title_pl": "Zwroty",
            "body_pl": "Odeślij paczkę w ciągu 30 dni.",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.slug == "returns"
    assert "Odeślij paczkę" in anna.get("/knowledge/returns/?language=pl").content.decode()
    assert "Send the parcel" in anna.get("/knowledge/returns/?language=de").content.decode()


def test_a_version_needs_a_title_and_a_text(anna):
    response = anna.post(
        "/knowledge/new/", {"audience": "internal", "status": "draft", "title_fr": "Titre"}
    )
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_the_list_searches_titles_and_texts(anna, db):
    seed_demo()
    page = anna.get("/knowledge/?q=NIP").content.decode()
    assert "invoices-vat-number" in page and "delivery-times" not in page
    page = anna.get("/knowledge/?language=de").content.decode()
    assert "Lieferzeiten" in page


def test_editing_and_deleting_an_article(anna, agent_anna, db):
    seed_demo(actor=agent_anna)
    response = anna.post(
        "/knowledge/delivery-times/edit/",
        {
            "slug": "delivery-times",
            "audience": "public",
            "status": "draft",
            "title_en": "Delivery",
            "body_en": "Two days.",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="delivery-times")
    assert article.status == "draft" and article.translations.count() == 1
    assert anna.post("/knowledge/delivery-times/delete/").status_code == 302
    assert not Article.objects.filter(slug="delivery-times").exists()


@pytest.mark.django_db(transaction=True)
def test_the_reply_box_suggests_the_polish_invoice_article(anna, support_team, receive):
    seed_demo()
    conversation = receive(
        support_team,
        "k.wisniewska@poczta.example",
        "Faktura",
        "Dzień dobry, potrzebuję faktury VAT na firmę, NIP 5261040828.",
        language="pl",
    ).conversation
    page = anna.get(f"/c/{conversation.reference}/").content.decode()
    assert "Faktura VAT z numerem NIP" in page
    assert 'data-insert-text="Faktura VAT z numerem NIP' in page


@pytest.mark.django_db(transaction=True)
def test_an_internal_article_is_shown_to_read_but_never_offered_for_the_reply(
    anna, support_team, receive
):
    seed_demo()
    conversation = receive(
        support_team,
        "k.wisniewska@poczta.example",
        "Zwrot",
        "Dzień dobry, proszę o zwrot pieniędzy, 250 EUR, za zamówienie 4471.",
        language="pl",
    ).conversation
    page = anna.get(f"/c/{conversation.reference}/").content.decode()
    assert "Zwroty: jak je zatwierdzamy" in page
    assert 'data-insert-text="Zwroty' not in page
