"""Request forms (story 4): typed fields, the invoice → company + VAT rule in the visitor's
language, honeypot and minimum fill time, embedding only where allowed, and a submission
becoming a conversation on the form's team."""

import pytest
from portal_helpers import filled

from klient.conversations.models import Conversation, Message
from klient.knowledge.actions import save_article
from klient.knowledge.models import Article
from klient.portal import antispam
from klient.portal.demo import seed_demo
from klient.portal.models import FormSubmission
from klient.portal.vat import VatError, normalise_vat

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact_form(billing_team):
    billing_team.acknowledge = True
    billing_team.save()
    return seed_demo()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PL 526-025-09-95", "PL5260250995"),
        ("5260250995", "PL5260250995"),
        ("DE136695976", "DE136695976"),
        ("FR40303265045", "FR40303265045"),
        ("GB980780684", "GB980780684"),
        ("UA123456789012", "UA123456789012"),
    ],
)
def test_vat_numbers_of_five_countries_are_recognised(value, expected):
    assert normalise_vat(value, hint="pl") == expected


@pytest.mark.parametrize(
    "value", ["PL5260250994", "DE136695977", "FR41303265045", "GB980780685", "123"]
)
def test_wrong_check_digits_are_refused(value):
    with pytest.raises(VatError):
        normalise_vat(value)


def test_an_invoice_request_needs_company_and_vat_number_in_polish(client, contact_form):
    response = client.post(
        "/forms/contact/?lang=pl", filled(contact_form, f_request_type="invoice")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("To pole jest wymagane, gdy „Rodzaj sprawy” to „Faktura”.") == 2
    assert not Conversation.objects.exists()


def test_a_wrong_vat_number_is_refused_in_german(client, contact_form):
    data = filled(
        contact_form, f_request_type="invoice", f_company="Krüger GmbH", f_vat_number="DE123"
    )
    response = client.post("/forms/contact/?lang=de", data)
    assert response.status_code == 400
    assert "Das ist keine gültige USt-IdNr." in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_question_needs_no_vat_number(client, contact_form):
    assert client.post("/forms/contact/?lang=pl", filled(contact_form)).status_code == 200


def test_a_submission_becomes_a_web_conversation_on_the_forms_team(client, contact_form):
    data = filled(
        contact_form,
        f_request_type="invoice",
        f_company="Pracownia Zielińska",
        f_vat_number="526-025-09-95",
    )
    response = client.post("/forms/contact/?lang=pl", data)
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.reference in response.content.decode()
    assert conversation.team == contact_form.team and conversation.channel == "web"
    assert conversation.language == "pl"
    assert conversation.customer.primary_email() == "ola@example.com"
    message = conversation.messages.get(kind=Message.Kind.INBOUND)
    assert "NIP (numer VAT): PL5260250995" in message.body_text
    assert "Rodzaj sprawy: Faktura" in message.body_text
    submission = FormSubmission.objects.get()
    assert submission.data["vat_number"] == "PL5260250995"
    assert submission.conversation == conversation
    # Sent twice (reload, double click): still one conversation.
    client.post("/forms/contact/?lang=pl", data)
    assert Conversation.objects.count() == 1


def test_the_customer_gets_the_normal_acknowledgement(
    contact_form, client, django_capture_on_commit_callbacks
):
    from klient.core import wiring

    with django_capture_on_commit_callbacks(execute=False):
        client.post("/forms/contact/?lang=pl", filled(contact_form))
    wiring.dispatch_pending()
    conversation = Conversation.objects.get()
    ack = conversation.messages.get(sender=Message.Sender.SYSTEM)
    assert ack.body_text.startswith("Dzień dobry")


def test_the_honeypot_rejects_robots_without_creating_anything(client, contact_form):
    response = client.post("/forms/contact/", filled(contact_form, website="http://spam.example"))
    assert response.status_code == 400
    assert not Conversation.objects.exists() and not FormSubmission.objects.exists()


def test_a_form_sent_faster_than_a_person_can_is_rejected(client, contact_form):
    data = filled(contact_form, started=antispam.started_token("contact"))
    response = client.post("/forms/contact/?lang=pl", data)
    assert response.status_code == 400
    assert "To było bardzo szybko" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_forged_start_time_is_rejected(client, contact_form):
    response = client.post("/forms/contact/", filled(contact_form, started="1"))
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_submissions_per_ip_address_are_limited(client, contact_form):
    from klient.portal import views

    for n in range(views.FORM_LIMIT_PER_IP):
        client.post("/forms/contact/", filled(contact_form, nonce=f"{n:032x}"))
    response = client.post("/forms/contact/", filled(contact_form, nonce="c" * 32))
    assert response.status_code == 429
    assert Conversation.objects.count() == views.FORM_LIMIT_PER_IP


def test_the_form_is_shown_in_the_visitors_language(client, contact_form):
    page = client.get("/forms/contact/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Art der Anfrage" in page and "Eine Rechnung" in page
    page = client.get("/forms/contact/?lang=uk").content.decode()
    assert "Тип запиту" in page


def test_only_the_embed_variant_may_be_framed_and_only_by_allowed_origins(client, contact_form):
    assert client.get("/forms/contact/")["X-Frame-Options"] == "DENY"
    closed = client.get("/forms/contact/embed")
    assert closed["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in closed["Content-Security-Policy"]
    contact_form.allowed_origins = "https://shop.example\nhttps://www.shop.example/"
    contact_form.save()
    framed = client.get("/forms/contact/embed")
    assert "X-Frame-Options" not in framed
    assert framed["Content-Security-Policy"] == (
        "frame-ancestors https://shop.example https://www.shop.example"
    )
    assert client.get("/portal/")["X-Frame-Options"] == "DENY"


def test_the_embedded_form_accepts_a_submission_without_a_csrf_cookie(contact_form):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/forms/contact/embed?lang=pl", filled(contact_form)).status_code == 200
    assert strict.post("/forms/contact/?lang=pl", filled(contact_form)).status_code == 403


def test_public_articles_are_suggested_while_typing_the_subject(client, contact_form):
    save_article(
        actor=None,
        texts={"pl": ("Jak otrzymać fakturę VAT", "Fakturę VAT wystawiamy na życzenie.")},
        slug="faktura-vat",
        audience=Article.Audience.PUBLIC,
        status=Article.Status.PUBLISHED,
    )
    save_article(
        actor=None,
        texts={"pl": ("Faktura VAT: procedura wewnętrzna", "Tylko dla zespołu: faktura.")},
        slug="faktura-wewnetrzna",
        audience=Article.Audience.INTERNAL,
        status=Article.Status.PUBLISHED,
    )
    page = client.get("/forms/contact/suggest?lang=pl&subject=faktura+VAT").content.decode()
    assert "/portal/kb/faktura-vat/" in page
    assert "faktura-wewnetrzna" not in page
    article = client.get("/portal/kb/faktura-vat/?lang=pl")
    assert "Fakturę VAT wystawiamy" in article.content.decode()
    assert client.get("/portal/kb/faktura-wewnetrzna/").status_code == 404


def test_an_inactive_or_unknown_form_does_not_exist(client, contact_form):
    contact_form.is_active = False
    contact_form.save()
    assert client.get("/forms/contact/").status_code == 404
    assert client.get("/forms/nope/").status_code == 404
