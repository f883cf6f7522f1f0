"""The portal's sign-in email, in the customer's language, sent through the outbound relay.

It is not part of any conversation (no Delivery row): the portal keeps its own durable
work row per link and calls `send_sign_in_email` for each attempt; this module only
builds the message and reports how the relay answered."""

from __future__ import annotations

import uuid
from email import utils
from email.message import EmailMessage

from django.conf import settings
from django.utils import timezone

from .senders import organisation_name
from .sending import OUTBOUND_POLICY, _address, _one_line
from .system_mail import hand_over

SUBJECTS = {
    "en": "Your sign-in link",
    "fr": "Votre lien de connexion",
    "pl": "Twój link do logowania",
    "de": "Ihr Anmeldelink",
    "uk": "Ваше посилання для входу",
}

BODIES = {
    "en": (
        "Hello,\n\nHere is your link to sign in and follow your requests:\n\n{url}\n\n"
        "It is valid for {minutes} minutes and works once. If you did not ask for it, "
        "ignore this email: nobody can sign in without it.\n"
    ),
    "fr": (
        "Bonjour,\n\nVoici votre lien pour vous connecter et suivre vos demandes :\n\n{url}\n\n"
        "Il est valable {minutes} minutes et ne sert qu’une fois. Si vous ne l’avez pas "
        "demandé, ignorez ce courriel : personne ne peut se connecter sans lui.\n"
    ),
    "pl": (
        "Dzień dobry,\n\noto link do logowania, pod którym można śledzić swoje "
        "zgłoszenia:\n\n{url}\n\nJest ważny {minutes} minut i działa jeden raz. Jeśli to "
        "nie Pani/Pan o niego prosił(a), wystarczy zignorować tę wiadomość: bez niego nikt "
        "się nie zaloguje.\n"
    ),
    "de": (
        "Guten Tag,\n\nhier ist Ihr Link, um sich anzumelden und Ihre Anfragen zu "
        "verfolgen:\n\n{url}\n\nEr ist {minutes} Minuten gültig und funktioniert einmal. "
        "Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail: ohne ihn kann "
        "sich niemand anmelden.\n"
    ),
    "uk": (
        "Добрий день!\n\nОсь ваше посилання, щоб увійти й стежити за своїми запитами:"
        "\n\n{url}\n\nВоно дійсне {minutes} хвилин і працює один раз. Якщо ви його не "
        "запитували, просто проігноруйте цей лист: без нього ніхто не зможе увійти.\n"
    ),
}


def sender_address() -> str:
    return f"no-reply@{settings.KLIENT_MAIL_DOMAIN}"


def sign_in_email(
    to_address: str, *, language: str, url: str, minutes: int, sender_name: str = ""
) -> EmailMessage:
    """The sign-in email, from `sender_name` (mail.senders.customer_sender_name; never
    "Klient", which in Polish means "customer"). ValueError if the address is not exactly
    one mailbox."""
    code = language if language in BODIES else "en"
    email = EmailMessage(policy=OUTBOUND_POLICY)
    email["From"] = _address(sender_address(), sender_name or organisation_name())
    email["To"] = _address(to_address)
    email["Subject"] = _one_line(SUBJECTS[code])
    email["Date"] = utils.format_datetime(timezone.now())
    email["Message-ID"] = f"<signin.{uuid.uuid4().hex}@{settings.KLIENT_MAIL_DOMAIN}>"
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(BODIES[code].format(url=url, minutes=minutes), charset="utf-8")
    return email


def send_sign_in_email(
    to_address: str, *, language: str, url: str, minutes: int, sender_name: str = ""
) -> tuple[str, str]:
    """Hand the email to the relay. Returns ("sent", ""), ("retry", error) for a
    temporary failure or ("failed", error) for a permanent one."""
    try:
        email = sign_in_email(
            to_address, language=language, url=url, minutes=minutes, sender_name=sender_name
        )
    except ValueError as exc:
        return "failed", f"cannot build the email: {exc}"
    return hand_over(email, sender_address(), [to_address])
