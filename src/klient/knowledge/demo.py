"""Demo articles in the five languages: invoices with VAT numbers, delivery times, and an
internal one on refunds."""

from __future__ import annotations

from typing import Any

from .actions import save_article
from .models import Article

INVOICES = {
    "en": (
        "Invoices with a VAT number",
        "To get an invoice with your company's VAT number, add the VAT number in your "
        "account under Billing details before you pay. For an order already paid, reply "
        "with the order number and the VAT number; we correct the invoice within two "
        "working days and send it by email.",
    ),
    "fr": (
        "Factures avec numéro de TVA",
        "Pour recevoir une facture avec le numéro de TVA de votre entreprise, ajoutez le "
        "numéro de TVA dans votre compte, rubrique Facturation, avant de payer. Pour une "
        "commande déjà payée, répondez avec le numéro de commande et le numéro de TVA : "
        "nous corrigeons la facture sous deux jours ouvrés.",
    ),
    "pl": (
        "Faktura VAT z numerem NIP",
        "Aby otrzymać fakturę VAT z numerem NIP firmy, wpisz NIP w swoim koncie w sekcji "
        "Dane do faktury przed zapłatą. Jeśli zamówienie jest już opłacone, odpowiedz, "
        "podając numer zamówienia i NIP: poprawimy fakturę w ciągu dwóch dni roboczych "
        "i wyślemy ją e-mailem.",
    ),
    "de": (
        "Rechnungen mit Umsatzsteuer-Identifikationsnummer",
        "Für eine Rechnung mit der USt-IdNr. Ihres Unternehmens tragen Sie die Nummer vor "
        "der Zahlung in Ihrem Konto unter Rechnungsdaten ein. Ist die Bestellung schon "
        "bezahlt, antworten Sie mit Bestellnummer und USt-IdNr.: Wir korrigieren die "
        "Rechnung innerhalb von zwei Werktagen und senden sie per E-Mail.",
    ),
    "uk": (
        "Рахунок-фактура з номером платника ПДВ",
        "Щоб отримати рахунок-фактуру з номером платника ПДВ вашої компанії, додайте "
        "номер ПДВ у своєму обліковому записі в розділі «Платіжні дані» перед оплатою. "
        "Якщо замовлення вже оплачене, надішліть номер замовлення та номер ПДВ: ми "
        "виправимо рахунок протягом двох робочих днів.",
    ),
}

DELIVERY = {
    "en": (
        "Delivery times",
        "Orders placed before 2 pm on a working day leave our warehouse the same day. "
        "Delivery takes 1–2 working days in Poland, 2–4 in Germany and France, and 4–7 "
        "to Ukraine. You get a tracking link by email when the parcel leaves.",
    ),
    "fr": (
        "Délais de livraison",
        "Les commandes passées avant 14 h un jour ouvré quittent notre entrepôt le jour "
        "même. La livraison prend 2 à 4 jours ouvrés en France et en Allemagne, 1 à 2 en "
        "Pologne, 4 à 7 vers l'Ukraine. Vous recevez un lien de suivi par e-mail.",
    ),
    "pl": (
        "Czas dostawy",
        "Zamówienia złożone przed 14:00 w dzień roboczy wysyłamy tego samego dnia. "
        "Dostawa trwa 1–2 dni robocze w Polsce, 2–4 do Niemiec i Francji oraz 4–7 na "
        "Ukrainę. Link do śledzenia przesyłki wysyłamy e-mailem, gdy paczka opuści magazyn.",
    ),
    "de": (
        "Lieferzeiten",
        "Bestellungen, die an einem Werktag vor 14 Uhr eingehen, verlassen unser Lager "
        "am selben Tag. Die Lieferung dauert 2–4 Werktage nach Deutschland und Frankreich, "
        "1–2 in Polen und 4–7 in die Ukraine. Den Sendungsverfolgungslink erhalten Sie "
        "per E-Mail.",
    ),
    "uk": (
        "Терміни доставки",
        "Замовлення, оформлені до 14:00 робочого дня, відправляємо того ж дня. Доставка "
        "триває 4–7 робочих днів в Україну, 1–2 у Польщі та 2–4 до Німеччини й Франції. "
        "Посилання для відстеження посилки надсилаємо електронною поштою.",
    ),
}

REFUNDS_INTERNAL = {
    "en": (
        "Refunds: how agents approve them",
        "Refunds up to 200 EUR: approve in the payment console and add a note. Above "
        "200 EUR: mention the Billing team lead in an internal note and wait for approval.",
    ),
    "pl": (
        "Zwroty: jak je zatwierdzamy",
        "Zwroty do 200 EUR zatwierdzasz w konsoli płatności i dodajesz notatkę. Powyżej "
        "200 EUR oznacz kierownika zespołu Billing w notatce wewnętrznej i poczekaj.",
    ),
}


def seed_demo(actor: Any = None) -> list[Article]:
    """Create the demo articles once (idempotent by slug)."""
    wanted = [
        ("invoices-vat-number", Article.Audience.PUBLIC, INVOICES),
        ("delivery-times", Article.Audience.PUBLIC, DELIVERY),
        ("refunds-approval", Article.Audience.INTERNAL, REFUNDS_INTERNAL),
    ]
    articles = []
    for slug, audience, texts in wanted:
        existing = Article.objects.filter(slug=slug).first()
        articles.append(
            existing
            or save_article(
                actor=actor,
                slug=slug,
                texts=texts,
                audience=audience,
                status=Article.Status.PUBLISHED,
            )
        )
    return articles
