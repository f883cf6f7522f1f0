"""Demo saved replies in the five languages, owned by the demo administrator."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from klient.people.models import Team

from .actions import save_macro
from .models import Macro

GREETING = {
    "pl": "Dzień dobry {{ customer.first_name }},\n\ndziękujemy za wiadomość w sprawie "
    "{{ conversation.reference }}. Już się tym zajmujemy.\n\nPozdrawiam,\n"
    "{{ agent.first_name }}, zespół {{ team.name }}",
    "uk": "Добрий день, {{ customer.first_name }}!\n\nДякуємо за звернення "
    "{{ conversation.reference }}. Ми вже працюємо над ним.\n\nЗ повагою,\n"
    "{{ agent.first_name }}, команда {{ team.name }}",
    "fr": "Bonjour {{ customer.first_name }},\n\nMerci pour votre message "
    "({{ conversation.reference }}). Nous nous en occupons.\n\nCordialement,\n"
    "{{ agent.first_name }}, équipe {{ team.name }}",
    "de": "Guten Tag {{ customer.first_name }},\n\nvielen Dank für Ihre Nachricht "
    "({{ conversation.reference }}). Wir kümmern uns darum.\n\nMit freundlichen Grüßen\n"
    "{{ agent.first_name }}, Team {{ team.name }}",
    "en": "Hello {{ customer.first_name }},\n\nthank you for your message "
    "({{ conversation.reference }}). We are on it.\n\nBest regards,\n"
    "{{ agent.first_name }}, {{ team.name }} team",
}

INVOICE_CORRECTED = {
    "pl": "Dzień dobry {{ customer.first_name }},\n\nw załączniku przesyłamy poprawioną "
    "fakturę VAT z numerem NIP. Sprawę {{ conversation.reference }} zamykamy — w razie "
    "pytań wystarczy odpisać.\n\n{{ agent.first_name }}",
    "de": "Guten Tag {{ customer.first_name }},\n\nanbei die korrigierte Rechnung mit Ihrer "
    "USt-IdNr. Wir schließen {{ conversation.reference }}; antworten Sie einfach, falls "
    "noch etwas fehlt.\n\n{{ agent.first_name }}",
    "uk": "Добрий день, {{ customer.first_name }}!\n\nУ вкладенні виправлений рахунок із "
    "номером платника ПДВ. Звернення {{ conversation.reference }} закриваємо.\n\n"
    "{{ agent.first_name }}",
    "fr": "Bonjour {{ customer.first_name }},\n\nvous trouverez ci-joint la facture "
    "corrigée avec votre numéro de TVA. Nous clôturons {{ conversation.reference }}.\n\n"
    "{{ agent.first_name }}",
    "en": "Hello {{ customer.first_name }},\n\nplease find the corrected invoice with your "
    "VAT number attached. We are closing {{ conversation.reference }}; just reply if "
    "anything is missing.\n\n{{ agent.first_name }}",
}


def seed_demo() -> list[Macro]:
    """Create the demo macros once (idempotent by name), owned by the first admin."""
    owner = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    if owner is None:
        return []
    billing = Team.objects.filter(name="Billing").first()
    wanted = [
        ("Greeting", GREETING, "en", None, "", []),
        ("Invoice corrected", INVOICE_CORRECTED, "en", billing, "solved", ["invoice"]),
    ]
    macros = []
    for name, texts, default, team, status, tags in wanted:
        existing = Macro.objects.filter(name=name, shared=True).first()
        macros.append(
            existing
            or save_macro(
                actor=owner,
                name=name,
                texts=texts,
                default_language=default,
                shared=True,
                team=team,
                set_status=status,
                add_tags=tags,
            )
        )
    return macros
