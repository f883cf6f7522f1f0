"""A realistic multilingual mail corpus for benchmarks: replies with quoted history, HTML,
attachments, non-UTF-8 charsets, and a share of malformed messages.

Deterministic for a given seed. Each message is about 3 KB.

Threads: each of 2,000 customers writes every 2,000 messages; their first message opens a
case, each later one either opens another case (its own subject) or follows up on their
latest: with In-Reply-To, with References only, with "Re: <subject>" alone (the prefix in
the customer's language, sometimes chained), or as an out-of-office auto-reply that names
nothing (half with an Auto-Submitted header, half with only its subject's wording). Some
auto-replies come from robots with no case at all. Each message says which thread it
belongs to (`thread`) and how it is linked (`link`), so a run can check where it landed."""

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


# How a follow-up names the message it answers, and how often (the rest open a new case).
LINKS = (("in-reply-to", 0.45), ("references", 0.12), ("subject", 0.12), ("auto-reply", 0.11))
NEW_CASE = 0.20
# Of all messages, the share that are auto-replies of robots nobody wrote to.
ROBOT_SHARE = 0.01
REPLY_PREFIXES = {
    "pl": ("Odp: ", "Re: ", "Odp: Odp: "),
    "fr": ("RE : ", "Réf. : ", "Re: "),
    "de": ("AW: ", "Aw: Re: ", "Re: "),
    "uk": ("Відп: ", "Re: ", "Отв: "),
    "en": ("Re: ", "RE: ", "Re[2]: "),
}
AUTO_REPLIES = {
    "pl": ("Automatyczna odpowiedź: ", "Jestem poza biurem do poniedziałku. Odpowiem później."),
    "fr": ("Réponse automatique : ", "Je suis absent du bureau jusqu'au 12, réponse à mon retour."),
    "de": ("Automatische Antwort: ", "Ich bin bis Montag nicht im Büro, ohne Zugriff auf E-Mails."),
    "uk": ("Автоматична відповідь: ", "Я у відпустці до понеділка. Відповім після повернення."),
    "en": (
        "Automatic reply: ",
        "I am out of the office until Monday with limited access to email.",
    ),
}


@dataclass(frozen=True)
class CorpusMessage:
    raw: bytes
    message_id: str | None
    malformed: bool
    # The case it belongs to ("" for a robot's auto-reply to nothing: it belongs in no
    # agent's queue), and how it names it: "new", one of LINKS, or "robot".
    thread: str = ""
    link: str = "new"

    @property
    def automatic(self) -> bool:
        return self.link in ("auto-reply", "robot")


@dataclass
class _Case:
    key: str
    subject: str
    message_ids: list[str]


def _link(rng: random.Random) -> str:
    pick = rng.random()
    if pick < NEW_CASE:
        return "new"
    pick -= NEW_CASE
    for link, share in LINKS:
        if pick < share:
            return link
        pick -= share
    return "in-reply-to"


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
    cases: dict[str, list[_Case]] = {}
    for i in range(count):
        lang = langs[i % len(langs)]
        charset, text = TEXTS[lang]
        if lang in ALT_CHARSETS and rng.random() < 0.4:
            charset = ALT_CHARSETS[lang]
        sender = f"customer{i % 2000}@example-{lang}.test"
        date = start + timedelta(minutes=i)
        mid = f"<bench.{seed}.{i}@example-{lang}.test>"
        own = cases.setdefault(sender, [])
        link = "new" if not own else _link(rng)
        if rng.random() < ROBOT_SHARE:
            link = "robot"
            sender = f"noreply{i}@robot-{lang}.test"
        body = f"{text}\n\n{text}\n\n{NAMES[lang]}\n"
        thread_headers: list[str] = []
        if link == "new":
            case = _Case(f"{sender}/{len(own)}", f"{SUBJECTS[lang]} ({i % 2000}-{len(own)})", [])
            own.append(case)
            subject = case.subject
        elif link == "robot":
            case = _Case("", "", [])
            prefix, body = AUTO_REPLIES[lang]
            subject = prefix + f"{i}"
            thread_headers.append("Auto-Submitted: auto-generated")
        else:
            case = own[-1]
            if link == "auto-reply":
                prefix, body = AUTO_REPLIES[lang]
                subject = prefix + case.subject
                if rng.random() < 0.5:
                    thread_headers.append("Auto-Submitted: auto-replied")
            elif link == "subject":
                subject = rng.choice(REPLY_PREFIXES[lang]) + case.subject
            else:
                subject = "Re: " + case.subject
                if link == "in-reply-to":
                    thread_headers.append(f"In-Reply-To: {case.message_ids[-1]}")
                thread_headers.append(f"References: {' '.join(case.message_ids[-3:])}")
        if link in ("in-reply-to", "references", "subject"):
            quoted = "\n".join("> " + line for line in (TEXTS[lang][1] * 5).split(". "))
            body += (
                "\n" + QUOTE_HEADERS[lang].format(date=format_datetime(date)) + "\n" + quoted + "\n"
            )
        if link not in ("auto-reply", "robot"):
            case.message_ids.append(mid)  # people answer people, not auto-replies
        malformed = rng.random() < malformed_share
        if malformed:
            # No From address at all: the pipeline must quarantine it with a reason.
            raw = (
                f"To: {team}\r\nSubject: broken {i}\r\nMessage-ID: {mid}\r\n\r\nno sender here\r\n"
            ).encode()
            yield CorpusMessage(raw, mid, True, case.key, link)
            continue
        headers = [
            f"From: {_header(NAMES[lang], charset)} <{sender}>",
            f"To: {team}",
            f"Subject: {_header(subject, charset)}",
            f"Date: {format_datetime(date)}",
            f"Message-ID: {mid}",
            "MIME-Version: 1.0",
            *thread_headers,
        ]
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
        yield CorpusMessage(raw, mid, False, case.key, link)
