"""The automatic acknowledgement, in the customer's language.

It says plainly that it is automatic and gives the reference; it never counts as an
answer (conversations.actions.acknowledge sends it as a system message)."""

from __future__ import annotations

TEXTS = {
    "en": (
        "Hello,\n\nThis is an automatic confirmation: we have received your message and "
        "registered it as {reference}. A person from our team will answer you; to add "
        "anything, simply reply to this email.\n\n{team}"
    ),
    "fr": (
        "Bonjour,\n\nCeci est une confirmation automatique : nous avons bien reçu votre "
        "message, enregistré sous la référence {reference}. Une personne de notre équipe "
        "vous répondra ; pour ajouter quelque chose, répondez simplement à ce courriel.\n\n{team}"
    ),
    "pl": (
        "Dzień dobry,\n\nTo automatyczne potwierdzenie: otrzymaliśmy Pani/Pana wiadomość i "
        "zarejestrowaliśmy ją pod numerem {reference}. Odpowie na nią osoba z naszego "
        "zespołu; aby coś dodać, wystarczy odpowiedzieć na tego e-maila.\n\n{team}"
    ),
    "de": (
        "Guten Tag,\n\ndies ist eine automatische Bestätigung: Wir haben Ihre Nachricht "
        "erhalten und unter {reference} erfasst. Eine Person aus unserem Team wird Ihnen "
        "antworten; für Ergänzungen antworten Sie einfach auf diese E-Mail.\n\n{team}"
    ),
    "uk": (
        "Добрий день!\n\nЦе автоматичне підтвердження: ми отримали ваше повідомлення та "
        "зареєстрували його під номером {reference}. Вам відповість людина з нашої "
        "команди; щоб щось додати, просто дайте відповідь на цей лист.\n\n{team}"
    ),
}


def acknowledgement_text(language: str, *, reference: str, team: str) -> str:
    return TEXTS.get(language, TEXTS["en"]).format(reference=reference, team=team)
