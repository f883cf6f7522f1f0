"""A realistic multilingual mail corpus for benchmarks: replies with quoted history, HTML,
attachments, non-UTF-8 charsets, and a share of malformed messages.

Deterministic for a given seed. Each message is about 3 KB."""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime

TEXTS = {
    "pl": (
        "iso-8859-2",
        "Dzień dobry, od dwóch dni telefon pokazuje błąd karty SIM po przeniesieniu "
        "numeru. Czy mogą Państwo sprawdzić, co się dzieje? Zapłaciłam już fakturę i proszę "
        "też o fakturę VAT na firmę, bo pole NIP w formularzu nie istnieje. Pozdrawiam serdecznie.",
    ),
    "fr": (
        "iso-8859-1",
        "Bonjour, une coupure de courant m'a empêché de rejoindre l'entretien "
        "vidéo prévu à 15 h. Je suis désolé ; pourrions-nous reprogrammer l'appel cette "
        "semaine ? Je serai joignable depuis la station-service où il y a un générateur.",
    ),
    "de": (
        "utf-8",
        "Guten Tag, ich habe Ihre Erinnerung erhalten und fand die Frage, ob ich "
        "wirklich komme, ziemlich kränkend. Ich habe bisher zweimal kurzfristig abgesagt, "
        "weil meine Tochter krank war. Bitte ändern Sie den Ton Ihrer Nachrichten.",
    ),
    "uk": (
        "koi8-u",
        "Добрий день! Я не можу додзвонитися до свого персонального менеджера вже "
        "тиждень. Дзвінки ніхто не бере, ніхто не передзвонює. Хто його замінює під час "
        "відпустки? Прошу відповісти якнайшвидше, справа термінова.",
    ),
    "en": (
        "utf-8",
        "Hello, I wrote to you twice about the invoice for my order and nobody has "
        "answered. I need the invoice with our VAT number for the accounts by Friday. "
        "Could you please confirm when I will receive it? Thank you.",
    ),
}
ALT_CHARSETS = {"pl": "windows-1250", "uk": "windows-1251", "fr": "windows-1252"}
QUOTE_HEADERS = {
    "pl": "W dniu {date} Obsługa Klienta <support@shop.example> pisze:",
    "fr": "Le {date}, Service client <support@shop.example> a écrit :",
    "de": "Am {date} schrieb Kundenservice <support@shop.example>:",
    "uk": "{date} Служба підтримки <support@shop.example> пише:",
    "en": "On {date}, Customer care <support@shop.example> wrote:",
}
SUBJECTS = {
    "pl": "Błąd karty SIM po przeniesieniu numeru",
    "fr": "Entretien vidéo manqué : coupure de courant",
    "de": "Ihre Erinnerung zum Termin am Donnerstag",
    "uk": "Не можу зв'язатися з менеджером",
    "en": "Invoice with VAT number, second request",
}
NAMES = {
    "pl": "Małgorzata Wiśniewska",
    "fr": "Loïc Bérénger",
    "de": "Jürgen Größmann",
    "uk": "Олена Коваленко",
    "en": "Sarah O'Brien",
}


@dataclass(frozen=True)
class CorpusMessage:
    raw: bytes
    message_id: str | None
    malformed: bool


def _qp_or_b64(text: str, charset: str, rng: random.Random) -> tuple[str, bytes]:
    data = text.encode(charset)
    if rng.random() < 0.5:
        import quopri

        return "quoted-printable", quopri.encodestring(data)
    return "base64", base64.encodebytes(data)


def _header(value: str, charset: str) -> str:
    return Header(value, charset).encode(maxlinelen=76)


def generate(
    count: int, *, seed: int = 7, team: str = "support@shop.example", malformed_share: float = 0.02
) -> Iterator[CorpusMessage]:
    rng = random.Random(seed)
    langs = list(TEXTS)
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    for i in range(count):
        lang = langs[i % len(langs)]
        charset, text = TEXTS[lang]
        if lang in ALT_CHARSETS and rng.random() < 0.4:
            charset = ALT_CHARSETS[lang]
        sender = f"customer{i % 2000}@example-{lang}.test"
        date = start + timedelta(minutes=i)
        mid = f"<bench.{seed}.{i}@example-{lang}.test>"
        body = f"{text}\n\n{text}\n\n{NAMES[lang]}\n"
        is_reply = rng.random() < 0.6
        if is_reply:
            quoted = "\n".join("> " + line for line in (TEXTS[lang][1] * 5).split(". "))
            body += (
                "\n" + QUOTE_HEADERS[lang].format(date=format_datetime(date)) + "\n" + quoted + "\n"
            )
        malformed = rng.random() < malformed_share
        if malformed:
            # No From address at all: the pipeline must quarantine it with a reason.
            raw = (
                f"To: {team}\r\nSubject: broken {i}\r\nMessage-ID: {mid}\r\n\r\nno sender here\r\n"
            ).encode()
            yield CorpusMessage(raw, mid, True)
            continue
        headers = [
            f"From: {_header(NAMES[lang], charset)} <{sender}>",
            f"To: {team}",
            f"Subject: {_header(('Re: ' if is_reply else '') + SUBJECTS[lang], charset)}",
            f"Date: {format_datetime(date)}",
            f"Message-ID: {mid}",
            "MIME-Version: 1.0",
        ]
        if is_reply:
            headers.append(f"In-Reply-To: <reply.{seed}.{i}@shop.example>")
        cte, payload = _qp_or_b64(body, charset, rng)
        kind = rng.random()
        boundary = f"=_b{i}"
        if kind < 0.6:
            headers.append(f'Content-Type: text/plain; charset="{charset}"')
            headers.append(f"Content-Transfer-Encoding: {cte}")
            raw = ("\r\n".join(headers) + "\r\n\r\n").encode() + payload
        else:
            html = (
                f"<html><body><p>{body.replace(chr(10), '<br>')}</p>"
                f'<img src="https://tracker.example/p{i}.gif"></body></html>'
            )
            hcte, hpayload = _qp_or_b64(html, charset, rng)
            parts = [
                f'--{boundary}\r\nContent-Type: text/plain; charset="{charset}"\r\n'
                f"Content-Transfer-Encoding: {cte}\r\n\r\n".encode()
                + payload,
                f'--{boundary}\r\nContent-Type: text/html; charset="{charset}"\r\n'
                f"Content-Transfer-Encoding: {hcte}\r\n\r\n".encode()
                + hpayload,
            ]
            if kind > 0.85:
                attachment = base64.encodebytes(rng.randbytes(600))
                parts.append(
                    f'--{boundary}\r\nContent-Type: application/pdf; name="faktura-{i}.pdf"\r\n'
                    f'Content-Disposition: attachment; filename="faktura-{i}.pdf"\r\n'
                    "Content-Transfer-Encoding: base64\r\n\r\n".encode()
                    + attachment
                )
            subtype = "mixed" if kind > 0.85 else "alternative"
            headers.append(f'Content-Type: multipart/{subtype}; boundary="{boundary}"')
            raw = (
                ("\r\n".join(headers) + "\r\n\r\n").encode()
                + b"\r\n".join(parts)
                + f"\r\n--{boundary}--\r\n".encode()
            )
        yield CorpusMessage(raw, mid, False)
