"""What mail clients write around a reply, per interface language (data only, no Django).

klient.mail.quotes compiles these into its patterns. Every entry is a regular-expression
fragment, matched case-insensitively. A client's attribution is written in the *replier's
client* language, not the message's, so every language's rules apply to every message.

To teach the extractor a new client: add its attribution verb or opening to ATTRIBUTION_VERBS /
ATTRIBUTION_OPENINGS, its header-block field names to HEADER_FIELDS, its separator line to
SEPARATORS and its device footer to FOOTERS; then add a labelled reply for it to
tests/mail/labelled/replies/ (docs/reply-extraction.md).
"""

from __future__ import annotations

# A short phrase in a footer: up to 60 characters, dots only inside names ("WEB.DE", "ukr.net").
_PHRASE = r"(?:[^.!?]|\.(?!\s|$)){1,60}"

# The verb of an attribution line ("On … X <x> wrote:"): the line (or wrapped lines) ends with a
# colon at most a name and an address after the verb ("Am … schrieb X <x>:").
ATTRIBUTION_VERBS: dict[str, tuple[str, ...]] = {
    "en": ("wrote", "writes"),
    "fr": (r"a\s+écrit", "écrit"),
    "de": ("schrieb", "geschrieben"),
    "pl": (r"napisał\(-?a\)", "napisała", "napisał", "pisze", r"napisana\s+przez"),
    "uk": (r"написав\(-?ла\)", "написала", "написав", "пише", r"написал\(а\)", "написал"),
}

# How an attribution starts: its first word, or a date. "wt., 12 mar 2024 o 11:50 …" and
# "вт, 12 бер. 2024 р. …" (Gmail) start with a weekday abbreviation and a digit.
ATTRIBUTION_OPENINGS: dict[str, tuple[str, ...]] = {
    "en": ("On",),
    "fr": ("Le",),
    "de": ("Am",),
    "pl": (r"W\s+dniu", "Dnia", r"Wiadomość\s+napisana"),
    "uk": ("У", "В"),
    "any": (r"\d", r"[^\W\d_]{2,12}\.?,?\s+(?:[^\W\d_]{2,12}\.?,?\s+)?\d"),
}

# ukr.net's reply line has no verb: "12 березня 2024, 11:50:00, від "X" <x>:".
ATTRIBUTION_SHAPES: tuple[str, ...] = (
    r"\d{1,2}\s+\w+\s+\d{4},\s*\d{1,2}:\d{2}(?::\d{2})?,\s+від\s.*:$",
)

# Thunderbird's attribution names no address; when the quote below it is not marked with ">"
# (an HTML-only message made plain text) this numeric date, time and name still end the new
# text. Prose ("On March 3 at 10:30 your agent wrote:") has no numeric date before the time.
ATTRIBUTIONS_WITHOUT_ADDRESS: tuple[str, ...] = (
    r"(?:On|Le|W\s+dniu)?\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:\s+(?:à|o|at))?\s+\d{1,2}:\d{2},"
    r"\s+[^,:]{1,80}\s(?:wrote|a\s+écrit|pisze|пише|написав\(ла\))\s*:",
    r"Am\s+\d{1,2}\.\d{1,2}\.\d{2,4}\s+um\s+\d{1,2}:\d{2}\s+schrieb\s+[^:]{1,80}:",
)

# A line that opens the quoted or forwarded message: "-----Original Message-----",
# "---------- Forwarded message ---------", Orange's "Message du 12/03/24 11:50", …
SEPARATOR_TITLES: dict[str, tuple[str, ...]] = {
    "en": (r"Original\s+Message", r"Forwarded\s+Message"),
    "fr": (r"Message\s+d['’]origine", r"Message\s+transféré", r"Courriel\s+original"),
    "de": (
        r"Ursprüngliche\s+Nachricht",
        r"Weitergeleitete\s+Nachricht",
        r"Original-?nachricht",
    ),
    "pl": (
        r"Oryginalna\s+wiadomość",
        r"Wiadomość\s+oryginalna",
        r"Przekazana\s+wiadomość",
        r"Wiadomość\s+przekazana(?:\s+dalej)?",
    ),
    "uk": (
        r"Оригінальне\s+повідомлення",
        r"Вихідне\s+повідомлення",
        r"Переслане\s+повідомлення",
        r"Пересланий\s+лист",
        r"Исходное\s+сообщение",
        r"Пересланное\s+сообщение",
    ),
}
SEPARATOR_LINES: tuple[str, ...] = (
    r"Message\s+du\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}",  # Orange webmail
    # Apple Mail's forward (macOS, iOS), above a header block that iOS marks with ">".
    r"Begin\s+forwarded\s+message\s*:",
    r"Début\s+du\s+message\s+réexpédié\s*:",
    r"Anfang\s+der\s+weitergeleiteten\s+(?:Nachricht|E-Mail)\s*:",
    r"Początek\s+przekazywanej\s+wiadomości\s*:",
    r"Початок\s+пересланого\s+(?:листа|повідомлення)\s*:",
)

# The fields of a quoted header block (Outlook, Samsung, GMX/web.de, Thunderbird forwards,
# ukr.net): "From:" in some language and at least one other field, and either an address or a
# "Sent:"/"Subject:" field, so that a customer's own "From: London / To: Paris / Date: 12 March"
# or "Od: 12.03 / Do: 20.03" is not taken for one.
HEADER_FROM: dict[str, tuple[str, ...]] = {
    "en": ("From",),
    "fr": ("De",),
    "de": ("Von",),
    "pl": ("Od",),
    "uk": (r"Від\s+кого", "Від", "От"),
}
HEADER_SENT_OR_SUBJECT: dict[str, tuple[str, ...]] = {
    "en": ("Sent", "Subject"),
    "fr": ("Envoyé", "Objet", "Sujet"),
    "de": ("Gesendet", "Betreff"),
    "pl": ("Wysłano", "Wysłane", "Wysłany", "Temat"),
    "uk": ("Надіслано", "Відправлено", "Тема", "Отправлено"),
}
HEADER_OTHER: dict[str, tuple[str, ...]] = {
    "en": ("Date", "To", "Cc", "Reply-To"),
    "fr": ("Date", "À", "A", r"Copie\s+à", "Cc", "Pour", r"Répondre\s+à"),
    "de": ("Datum", "An", "Cc", r"Antwort\s+an"),
    "pl": ("Data", "Do", "DW", r"Odpowiedź\s+do"),
    "uk": ("Дата", "Кому", "Копія", "Відповісти"),
}

# Device and app footers, matched against a whole line (an optional "<link>" may follow).
FOOTERS: dict[str, tuple[str, ...]] = {
    "en": (
        rf"Sent\s+from\s+my\s+{_PHRASE}[.!]?",
        r"Sent\s+from\s+(?:Yahoo\s+Mail|Mail|Outlook)\b[^.!?]{0,40}[.!]?",
        r"Sent\s+with\s+Proton\s+Mail[^.!?]{0,30}[.!]?",
        r"Get\s+Outlook\s+for\s+(?:iOS|Android)",
    ),
    "fr": (
        rf"Envoyé\s+(?:de|depuis)\s+(?:mon|ma)\s+{_PHRASE}[.!]?",
        rf"Envoyé\s+(?:de|depuis)\s+l['’]application\s+{_PHRASE}[.!]?",
        rf"Envoyé\s+à\s+partir\s+de\s+{_PHRASE}[.!]?",
        r"Envoyé\s+(?:de|depuis)\s+Yahoo\s+Mail[^.!?]{0,30}[.!]?",
        r"Envoyé\s+avec\s+(?:la\s+messagerie\s+sécurisée\s+)?Proton\s+Mail[^.!?]{0,30}[.!]?",
        r"Obten(?:ir|ez)\s+Outlook\s+pour\s+(?:iOS|Android)",
    ),
    "de": (
        rf"Von\s+meine[mr](?:/meine[mr])?\s+{_PHRASE}\s+gesendet[.!]?",
        rf"Gesendet\s+(?:von\s+|mit\s+(?:meinem|meiner|der|dem)\s+){_PHRASE}[.!]?",
        r"Von\s+Yahoo\s+Mail\s+auf\s+\w+\s+gesendet[.!]?",
        r"Outlook\s+für\s+(?:iOS|Android)\s+(?:beziehen|herunterladen)",
    ),
    "pl": (
        rf"Wysłane\s+z\s+{_PHRASE}[.!]?",
        rf"Wysłano\s+(?:z|za\s+pomocą)\s+{_PHRASE}[.!]?",
        r"Pobierz\s+(?:aplikację\s+)?Outlook\s+dla\s+(?:systemu\s+)?(?:iOS|Android)",
    ),
    "uk": (
        rf"Надіслано\s+з\s+{_PHRASE}[.!]?",
        rf"Відправлено\s+з\s+{_PHRASE}[.!]?",
        r"Отримати\s+Outlook\s+для\s+(?:iOS|Android)",
    ),
}

# A corporate disclaimer: a paragraph that opens like this and speaks of confidentiality or of
# its sole intended recipients ("This email is intended as a formal complaint" is not one).
DISCLAIMER_OPENINGS: dict[str, tuple[str, ...]] = {
    "en": (r"This\s+(?:e-?mail|message|communication)", r"CONFIDENTIALITY\s+NOTICE", "Disclaimer"),
    "fr": (r"Ce\s+(?:message|courriel|mail|e-mail)", "Avertissement"),
    "de": (r"Diese\s+(?:E-Mail|Nachricht)", r"Der\s+Inhalt\s+dieser\s+(?:E-Mail|Nachricht)"),
    "pl": (r"Ta\s+wiadomość", r"Treść\s+tej\s+wiadomości", r"Niniejsza\s+wiadomość"),
    "uk": (r"Цей\s+(?:електронний\s+)?лист", r"Це\s+повідомлення", r"Інформація\s+в\s+цьому"),
}
DISCLAIMER_WORDS: tuple[str, ...] = (
    "confiden",
    r"intended\s+(?:solely|only|exclusively)",
    "destinataires",
    "vertraulich",
    "adressaten",
    "poufn",
    "adresata",
    "конфіденц",
    "адресата",
)
