"""Demo data for the portal: a request form for the Billing team with story 4's rule —
asking for an invoice requires the company name and the VAT number."""

from __future__ import annotations

from klient.people.models import Team

from .models import FormField, RequestForm

FORM_SLUG = "contact"
FORM_URL = f"/forms/{FORM_SLUG}/"

REQUEST_TYPES = "\n".join(
    [
        "question | A question | Une question | Pytanie | Eine Frage | Запитання",
        "invoice | An invoice | Une facture | Faktura | Eine Rechnung | Рахунок-фактура",
        "complaint | A complaint | Une réclamation | Reklamacja | Eine Beschwerde | Скарга",
    ]
)


def seed_demo() -> RequestForm | None:
    """Create the demo request form once (None if its team is missing)."""
    existing = RequestForm.objects.filter(slug=FORM_SLUG).first()
    if existing is not None:
        return existing
    team = Team.objects.filter(name="Billing").first() or Team.objects.order_by("pk").first()
    if team is None:
        return None
    form = RequestForm.objects.create(
        team=team,
        slug=FORM_SLUG,
        title_en="Contact us",
        title_fr="Nous contacter",
        title_pl="Napisz do nas",
        title_de="Kontakt",
        title_uk="Зв’язатися з нами",
        intro_en="Tell us what you need; a person will answer you.",
        intro_fr="Dites-nous ce dont vous avez besoin ; une personne vous répondra.",
        intro_pl="Napisz, czego potrzebujesz; odpowie Ci człowiek.",
        intro_de="Sagen Sie uns, was Sie brauchen; ein Mensch antwortet Ihnen.",
        intro_uk="Напишіть, що вам потрібно; вам відповість людина.",
    )
    request_type = FormField.objects.create(
        form=form,
        key="request_type",
        kind=FormField.Kind.CHOICE,
        order=1,
        required=True,
        choices=REQUEST_TYPES,
        label_en="Request type",
        label_fr="Type de demande",
        label_pl="Rodzaj sprawy",
        label_de="Art der Anfrage",
        label_uk="Тип запиту",
    )
    company = ("Company name", "Raison sociale", "Nazwa firmy", "Firmenname", "Назва компанії")
    vat = ("VAT number", "Numéro de TVA", "NIP (numer VAT)", "USt-IdNr.", "Номер платника ПДВ")
    for order, key, kind, labels in (
        (2, "company", FormField.Kind.TEXT, company),
        (3, "vat_number", FormField.Kind.VAT, vat),
    ):
        FormField.objects.create(
            form=form,
            key=key,
            kind=kind,
            order=order,
            required_if=request_type,
            required_if_value="invoice",
            **dict(
                zip((f"label_{c}" for c in ("en", "fr", "pl", "de", "uk")), labels, strict=True)
            ),
        )
    FormField.objects.create(
        form=form,
        key="message",
        kind=FormField.Kind.TEXTAREA,
        order=4,
        required=True,
        label_en="Your message",
        label_fr="Votre message",
        label_pl="Wiadomość",
        label_de="Ihre Nachricht",
        label_uk="Ваше повідомлення",
    )
    FormField.objects.create(
        form=form,
        key="attachment",
        kind=FormField.Kind.FILE,
        order=5,
        label_en="Attachment",
        label_fr="Pièce jointe",
        label_pl="Załącznik",
        label_de="Anhang",
        label_uk="Вкладення",
    )
    return form
