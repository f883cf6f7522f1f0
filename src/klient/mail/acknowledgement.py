"""The automatic acknowledgement, in the customer's language.

It says plainly that it is automatic and gives the reference; when an SLA policy applies
it also says by when a person will answer (klient.sla.promise), in the customer's time
zone. It never counts as an answer (conversations.actions.acknowledge sends it as a
system message)."""

from __future__ import annotations

from datetime import datetime

from klient.sla.promise import ReplyPromise
from klient.sla.promise_text import language_of, promise_sentence

# {promise} is either the promise sentence or NO_PROMISE's text.
TEXTS = {
    "en": (
        "Hello,\n\nThis is an automatic confirmation: we have received your message and "
        "registered it as {reference}. {promise} To add anything, simply reply to this "
        "email.\n\n{team}"
    ),
    "fr": (
        "Bonjour,\n\nCeci est une confirmation automatique : nous avons bien reçu votre "
        "message, enregistré sous la référence {reference}. {promise} Pour ajouter quelque "
        "chose, répondez simplement à ce courriel.\n\n{team}"
    ),
    "pl": (
        "Dzień dobry,\n\nTo automatyczne potwierdzenie: otrzymaliśmy Pani/Pana wiadomość i "
        "zarejestrowaliśmy ją pod numerem {reference}. {promise} Aby coś dodać, wystarczy "
        "odpowiedzieć na tego e-maila.\n\n{team}"
    ),
    "de": (
        "Guten Tag,\n\ndies ist eine automatische Bestätigung: Wir haben Ihre Nachricht "
        "erhalten und unter {reference} erfasst. {promise} Für Ergänzungen antworten Sie "
        "einfach auf diese E-Mail.\n\n{team}"
    ),
    "uk": (
        "Добрий день!\n\nЦе автоматичне підтвердження: ми отримали ваше повідомлення та "
        "зареєстрували його під номером {reference}. {promise} Щоб щось додати, просто "
        "дайте відповідь на цей лист.\n\n{team}"
    ),
}
# Without a policy there is no time to promise, and none is invented.
NO_PROMISE = {
    "en": "A person from our team will answer you.",
    "fr": "Une personne de notre équipe vous répondra.",
    "pl": "Odpowie na nią osoba z naszego zespołu.",
    "de": "Eine Person aus unserem Team wird Ihnen antworten.",
    "uk": "Вам відповість людина з нашої команди.",
}


def acknowledgement_text(
    language: str,
    *,
    reference: str,
    team: str,
    promise: ReplyPromise | None = None,
    now: datetime | None = None,
) -> str:
    """The acknowledgement's body; with a `promise`, its time as seen from `now`."""
    language = language_of(language)
    if promise is None or now is None:
        sentence = NO_PROMISE[language]
    else:
        sentence = promise_sentence(
            language,
            promise.due_at,
            now=now,
            zone=promise.zone,
            name_zone=not promise.customer_zone,
        )
    return TEXTS[language].format(reference=reference, team=team, promise=sentence)
