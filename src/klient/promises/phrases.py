"""What a promise looks like in each language: the deadline expressions of the convention
table (day anchors, times of day, elapsed offsets), the words that make a sentence a
commitment by the writer, and the words that make it none (a question or offer, a
request, a condition on an unknown event, a negation, a hedge, a past action).

Pure Python, no Django. Patterns are matched case-insensitively on one sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .due import Anchor, Clock

Match = re.Match[str]


@dataclass(frozen=True)
class Rules:
    language: str
    anchors: list[tuple[re.Pattern[str], Callable[[Match], Anchor]]]
    clocks: list[tuple[re.Pattern[str], Callable[[Match], Clock]]]
    elapsed: list[tuple[re.Pattern[str], Callable[[Match], int]]]
    commitment: re.Pattern[str]
    # (pattern, why): any of them found in the sentence makes it no promise.
    not_promise: list[tuple[re.Pattern[str], str]] = field(default_factory=list)


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _words(words: dict[str, int]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _number(text: str, words: dict[str, int]) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else words[text]


def _hour(hour: str, minute: str | None, meridian: str | None = None) -> Clock:
    h, m = int(hour), int(minute or 0)
    meridian = (meridian or "").lower().replace(".", "")
    if meridian == "pm" and h < 12:
        h += 12
    elif meridian == "am" and h == 12:
        h = 0
    elif not meridian and 1 <= h <= 7:
        h += 12  # "between 2 and 4" on a desk means the afternoon
    return Clock(h % 24, m)


def _plus_half_hour(clock: Clock) -> Clock:
    minutes = clock.hour * 60 + clock.minute + 30
    return Clock((minutes // 60) % 24, minutes % 60)


def _weekday_anchors(
    names: dict[str, int], following: str, plain: str
) -> list[tuple[re.Pattern[str], Callable[[Match], Anchor]]]:
    """`following` and `plain` are patterns with a {day} slot for the weekday names."""
    day = f"(?P<day>{_words(names)})"

    def build(next_week: bool) -> Callable[[Match], Anchor]:
        return lambda m: Anchor("weekday", names[m["day"].lower()], following_week=next_week)

    return [
        (_p(following.format(day=day)), build(True)),
        (_p(plain.format(day=day)), build(False)),
    ]


def _date_anchor(months: dict[str, int]) -> Callable[[Match], Anchor]:
    def build(m: Match) -> Anchor:
        month = m["month"]
        number = int(month) if month.isdigit() else months[month.lower()]
        return Anchor("date", day=int(m["d"]), month=number)

    return build


def _fixed(anchor: Anchor) -> Callable[[Match], Anchor]:
    return lambda m: anchor


def _at(clock: Clock) -> Callable[[Match], Clock]:
    return lambda m: clock


TODAY, TOMORROW, AFTER_TOMORROW = Anchor("today"), Anchor("tomorrow"), Anchor("after_tomorrow")
END_WEEK, NEXT_WEEK, EARLY_NEXT_WEEK = (
    Anchor("end_week"),
    Anchor("next_week"),
    Anchor("early_next_week"),
)
END_MONTH = Anchor("end_month")
NOON, FIRST_THING, AFTERNOON, EVENING = Clock(12), Clock(10), Clock(18), Clock(21)

# Clock parts shared by the languages that write times as 14:00 / 14.00.
HM = r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))"
HM_OPT = r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?"
B_HM_OPT = r"(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?"


def _clock(m: Match) -> Clock:
    return _hour(m["h"], m["m"], m.groupdict().get("ap"))


def _around(m: Match) -> Clock:
    return _plus_half_hour(_clock(m))


def _between_end(m: Match) -> Clock:
    return _hour(m["h2"], m["m2"], m.groupdict().get("ap2") or m.groupdict().get("ap"))


def _numeric_date(m: Match) -> Anchor:
    return Anchor("date", day=int(m["d"]), month=int(m["month"]))


NUMERIC_DATE = r"\b(?P<d>\d{1,2})\.(?P<month>\d{1,2})\.(?:\d{4})?"


# --- English -------------------------------------------------------------------------
EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
EN_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
EN_N = rf"(?P<n>\d+|{_words(EN_NUMBERS)})"
EN_DAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
EN_AP = r"\s*(?P<ap>am|pm|a\.m\.|p\.m\.)"
EN_AP2 = r"\s*(?P<ap2>am|pm|a\.m\.|p\.m\.)"
_en_month = _words(EN_MONTHS)

ENGLISH = Rules(
    language="en",
    anchors=[
        (_p(r"\bthe day after tomorrow\b"), _fixed(AFTER_TOMORROW)),
        (_p(r"\btomorrow\b"), _fixed(TOMORROW)),
        (
            _p(
                r"\b(?:today|(?:the )?end of"
                r" (?:the |the business |business )?day|close of business|cob|eod)\b"
            ),
            _fixed(TODAY),
        ),
        (_p(r"\bearly next week\b"), _fixed(EARLY_NEXT_WEEK)),
        (_p(r"\bnext week\b"), _fixed(NEXT_WEEK)),
        (
            _p(r"\b(?:(?:the )?end of (?:the |this )?week|before the weekend|by the weekend)\b"),
            _fixed(END_WEEK),
        ),
        (_p(r"\b(?:the )?end of (?:the |this )?month\b"), _fixed(END_MONTH)),
        *_weekday_anchors(EN_DAYS, r"\bnext {day}\b", r"\b{day}\b"),
        (
            _p(rf"\bwithin (?:the next )?{EN_N} (?:business|working) days?\b"),
            lambda m: Anchor("business_days", _number(m["n"], EN_NUMBERS)),
        ),
        (
            _p(rf"\b(?:within|in) (?:the next )?{EN_N} (?P<unit>days?|weeks?)\b"),
            lambda m: Anchor(
                "days",
                _number(m["n"], EN_NUMBERS) * (7 if m["unit"].lower().startswith("w") else 1),
            ),
        ),
        (
            _p(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_en_month})\b"),
            _date_anchor(EN_MONTHS),
        ),
        (
            _p(rf"\b(?P<month>{_en_month})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
            _date_anchor(EN_MONTHS),
        ),
    ],
    clocks=[
        (
            _p(
                rf"\bbetween\s+{HM_OPT}(?:{EN_AP})?\s+and\s+(?P<h2>\d{{1,2}})"
                rf"(?::(?P<m2>\d{{2}}))?(?:{EN_AP2})?"
            ),
            _between_end,
        ),
        (_p(rf"\b(?:around|about|approximately|roughly)\s+{HM_OPT}(?:{EN_AP})?"), _around),
        (_p(rf"\b(?:at|by|before)\s+{HM_OPT}{EN_AP}"), _clock),
        (_p(rf"\b(?:at|by|before)\s+{HM}"), _clock),
        (_p(r"\bfirst thing\b"), _at(FIRST_THING)),
        (
            _p(r"\b(?:(?:before|by|at) (?:noon|midday|lunch(?:time)?)|morning)\b"),
            _at(NOON),
        ),
        (_p(r"\bafternoon\b"), _at(AFTERNOON)),
        (_p(r"\b(?:tonight|evening)\b"), _at(EVENING)),
    ],
    elapsed=[
        (_p(r"\b(?:within|in) (?:the next )?half an hour\b"), lambda m: 30),
        (
            _p(rf"\b(?:within|in) (?:the next )?{EN_N} (?P<unit>minutes?|mins?|hours?|hrs?)\b"),
            lambda m: (
                _number(m["n"], EN_NUMBERS) * (60 if m["unit"].lower().startswith("h") else 1)
            ),
        ),
    ],
    commitment=_p(
        r"\b(?:i|we)\s*(?:'ll|’ll|will|shall|am going to|'m going to|are going to|"
        r"'re going to)\b|\byou have my word\b"
    ),
    not_promise=[
        (_p(r"\?\s*$"), "question"),
        (_p(r"\b(?:can't|cannot|can not|won't|will not|unable|not able|afraid)\b"), "negation"),
        (_p(r"\b(?:once|as soon as|when|whenever|if|unless|until)\b"), "condition"),
        (_p(r"^\W*(?:please|could you|can you|kindly|let me know)\b|\bplease\b"), "request"),
        (_p(r"\b(?:i could|could i|would you|shall i|should i|may i)\b"), "offer"),
        (_p(r"\b(?:hope|try to|hopefully|maybe|perhaps|sometime)\b"), "hedge"),
        (_p(r"\b(?:whether|wanted to (?:ask|check)|wondering)\b"), "question"),
        (_p(r"\blook(?:ing)? forward\b"), "looking forward"),
    ],
)

# --- French --------------------------------------------------------------------------
FR_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
FR_NUMBERS |= {"sept": 7, "huit": 8, "dix": 10, "quinze": 15}
FR_N = rf"(?P<n>\d+|{_words(FR_NUMBERS)})"
FR_DAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6,
}  # fmt: skip
FR_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
FR_H = r"(?P<h>\d{1,2})\s*(?:h|heures?)\s*(?P<m>\d{2})?"
FR_H2 = r"(?P<h2>\d{1,2})\s*(?:h|heures?)\s*(?P<m2>\d{2})?"
FR_WITHIN = r"(?:sous|dans|en|d'ici)\s+(?:les\s+|un délai de\s+|un délai d'|moins de\s+)?"

FRENCH = Rules(
    language="fr",
    anchors=[
        (_p(r"\baprès[- ]demain\b"), _fixed(AFTER_TOMORROW)),
        (_p(r"\bdemain\b"), _fixed(TOMORROW)),
        (
            _p(
                r"\b(?:aujourd'hui|aujourd’hui|"
                r"(?:la )?fin de (?:la )?journée|fermeture des bureaux)"
            ),
            _fixed(TODAY),
        ),
        (_p(r"\b(?:en |au )?début de (?:la )?semaine prochaine\b"), _fixed(EARLY_NEXT_WEEK)),
        (_p(r"\bla semaine prochaine\b"), _fixed(NEXT_WEEK)),
        (
            _p(r"\b(?:(?:la )?fin de (?:la |cette )?semaine|avant le week-?end)\b"),
            _fixed(END_WEEK),
        ),
        (_p(r"\b(?:la )?fin (?:du |de ce )mois\b"), _fixed(END_MONTH)),
        *_weekday_anchors(FR_DAYS, r"\b{day} prochain\b", r"\b{day}\b"),
        (
            _p(rf"\b{FR_WITHIN}{FR_N} jours? (?:ouvrés|ouvrables)\b"),
            lambda m: Anchor("business_days", _number(m["n"], FR_NUMBERS)),
        ),
        (
            _p(rf"\b{FR_WITHIN}{FR_N} (?P<unit>jours?|semaines?)\b"),
            lambda m: Anchor(
                "days",
                _number(m["n"], FR_NUMBERS) * (7 if m["unit"].lower().startswith("s") else 1),
            ),
        ),
        (
            _p(rf"\b(?P<d>\d{{1,2}})(?:er)?\s+(?P<month>{_words(FR_MONTHS)})\b"),
            _date_anchor(FR_MONTHS),
        ),
        (_p(r"\b(?P<d>\d{1,2})/(?P<month>\d{1,2})\b"), _numeric_date),
    ],
    clocks=[
        (_p(rf"\bentre\s+{FR_H}\s+et\s+{FR_H2}"), _between_end),
        (_p(rf"\b(?:entre\s+(?P<h>\d{{1,2}})\s+et\s+){FR_H2}"), _between_end),
        (_p(rf"\b(?:vers|aux alentours de)\s+{FR_H}"), _around),
        (_p(rf"\b(?:à|avant|d'ici|pour)\s+{FR_H}"), _clock),
        (_p(r"\bà la première heure\b|\bdès le matin\b"), _at(FIRST_THING)),
        (_p(r"\b(?:matin|avant midi|avant le déjeuner|à midi)\b"), _at(NOON)),
        (_p(r"\baprès-midi\b"), _at(AFTERNOON)),
        (_p(r"\bsoir(?:ée)?\b"), _at(EVENING)),
    ],
    elapsed=[
        (_p(r"\b(?:dans|sous|d'ici)\s+(?:une\s+)?demi-heure\b"), lambda m: 30),
        (
            _p(rf"\b{FR_WITHIN}{FR_N} (?P<unit>minutes?|heures?)\b"),
            lambda m: (
                _number(m["n"], FR_NUMBERS) * (60 if m["unit"].lower().startswith("h") else 1)
            ),
        ),
    ],
    commitment=_p(r"(?:^|\W)(?:je|j'|j’|nous)\b"),
    not_promise=[
        (_p(r"\?\s*$"), "question"),
        (_p(r"\bne\b|\bn'|\bn’|\bpas\b|\bje crains\b"), "negation"),
        (_p(r"\b(?:dès que|quand|lorsque|une fois que|si|s'il|s’il)\b"), "condition"),
        (
            _p(r"^\W*(?:merci de|pourriez-vous|pouvez-vous|veuillez|dites-moi)\b"),
            "request",
        ),
        (_p(r"\b(?:je peux|je pourrais|voulez-vous|souhaitez-vous|aiderait)\b"), "offer"),
        (_p(r"\b(?:esp[eéè]r\w*|essaierai|essayer|peut-être)\b"), "hedge"),
        (_p(r"\b(?:au plaisir|hâte de|me réjouis|nous réjouissons)\b"), "looking forward"),
        (
            _p(
                r"\b(?:ai|avons|avez|a|ont)\s+(?:déjà\s+|bien\s+)?"
                r"\w+(?:é|ée|és|ées|i|is|it|u|ert)\b"
            ),
            "past",
        ),
    ],
)

# --- Polish --------------------------------------------------------------------------
PL_NUMBERS = {"jeden": 1, "jednego": 1, "dwa": 2, "dwóch": 2, "trzy": 3, "trzech": 3}
PL_NUMBERS |= {"czterech": 4, "pięć": 5, "pięciu": 5, "siedem": 7, "siedmiu": 7}
PL_NUMBERS |= {"dziesięć": 10, "dziesięciu": 10}
PL_N = rf"(?P<n>\d+|{_words(PL_NUMBERS)})"
PL_DAYS = {
    "poniedziałek": 0, "poniedziałku": 0, "wtorek": 1, "wtorku": 1, "środa": 2, "środę": 2,
    "środy": 2, "czwartek": 3, "czwartku": 3, "piątek": 4, "piątku": 4, "sobota": 5,
    "sobotę": 5, "soboty": 5, "niedziela": 6, "niedzielę": 6, "niedzieli": 6,
}  # fmt: skip
PL_MONTHS = {
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6,
    "lipca": 7, "sierpnia": 8, "września": 9, "października": 10, "listopada": 11,
    "grudnia": 12,
}  # fmt: skip

POLISH = Rules(
    language="pl",
    anchors=[
        (_p(r"\bpojutrze\b"), _fixed(AFTER_TOMORROW)),
        (_p(r"\bjutr(?:o|a)\b"), _fixed(TOMORROW)),
        (_p(r"\b(?:dzisiaj|dziś|do końca dnia(?: roboczego)?|do zamknięcia)\b"), _fixed(TODAY)),
        (_p(r"\bna początku przyszłego tygodnia\b"), _fixed(EARLY_NEXT_WEEK)),
        (_p(r"\bw przyszłym tygodniu\b|\bw następnym tygodniu\b"), _fixed(NEXT_WEEK)),
        (_p(r"\b(?:do końca (?:tego )?tygodnia|przed weekendem)\b"), _fixed(END_WEEK)),
        (_p(r"\bdo końca (?:tego )?miesiąca\b"), _fixed(END_MONTH)),
        *_weekday_anchors(
            PL_DAYS,
            r"\bw (?:przyszły|przyszłą|następny|następną|przyszłe) {day}\b",
            r"\b{day}\b",
        ),
        (
            _p(rf"\bw ciągu {PL_N} dni (?:roboczych|robocze)\b"),
            lambda m: Anchor("business_days", _number(m["n"], PL_NUMBERS)),
        ),
        (
            _p(rf"\bw ciągu {PL_N} dni\b"),
            lambda m: Anchor("days", _number(m["n"], PL_NUMBERS)),
        ),
        (_p(r"\bw ciągu (?:jednego )?tygodnia\b"), _fixed(Anchor("days", 7))),
        (
            _p(rf"\b(?P<d>\d{{1,2}})\s+(?P<month>{_words(PL_MONTHS)})\b"),
            _date_anchor(PL_MONTHS),
        ),
        (_p(NUMERIC_DATE), _numeric_date),
    ],
    clocks=[
        (_p(rf"\bmiędzy\s+(?:godziną\s+)?{HM_OPT}\s+a\s+{B_HM_OPT}"), _between_end),
        (_p(rf"\bokoło\s+(?:godziny\s+)?{HM_OPT}"), _around),
        (_p(rf"\b(?:o|do|przed)\s+(?:godziny\s+|godzinie\s+)?{HM}"), _clock),
        (_p(r"\bz samego rana\b|\bz rana\b"), _at(FIRST_THING)),
        (_p(r"\b(?:rano|przed południem|do południa|przed obiadem)\b"), _at(NOON)),
        (_p(r"\bpo południu\b"), _at(AFTERNOON)),
        (_p(r"\bwieczor(?:em)?\b"), _at(EVENING)),
    ],
    elapsed=[
        (_p(r"\bw ciągu (?:pół godziny|półgodziny)\b"), lambda m: 30),
        (
            _p(rf"\bw ciągu {PL_N} (?P<unit>minut|godzin|godziny)\b"),
            lambda m: (
                _number(m["n"], PL_NUMBERS) * (60 if m["unit"].lower().startswith("g") else 1)
            ),
        ),
        (_p(r"\bw ciągu godziny\b"), lambda m: 60),
    ],
    # A first-person perfective verb: "oddzwonię", "wyślemy", "dam", "nadam".
    commitment=_p(r"\b\w{3,}(?:ę|imy|emy|amy|ymy)\b|\b(?:od|na|prze|za)?dam\b|\b\w*powiem\b"),
    not_promise=[
        (_p(r"\?\s*$|^\W*czy\b"), "question"),
        (_p(r"\bnie\b|\bobawiam się\b|\bniestety\b"), "negation"),
        (
            _p(r"\b(?:gdy|kiedy|jeśli|jeżeli|jak tylko|o ile|gdybym|gdybyśmy|po tym, jak)\b"),
            "condition",
        ),
        (_p(r"^\W*(?:proszę|prosimy|uprzejmie proszę)\b"), "request"),
        (_p(r"\b(?:mogę|możemy|mógłbym|mogłabym|moglibyśmy)\b"), "offer"),
        (_p(r"\b(?:nadziej\w*|spróbuję|postaram się|może)\b"), "hedge"),
        (_p(r"\b(?:mamy|jesteśmy)\b"), "no verb of doing"),
        (_p(r"\b\w+(?:łem|łam|liśmy|łyśmy)\b"), "past"),
        (_p(r"\bciesz(?:ę|ymy) się\b"), "looking forward"),
    ],
)

# --- German --------------------------------------------------------------------------
DE_NUMBERS = {"einem": 1, "einer": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4}
DE_NUMBERS |= {"fünf": 5, "sechs": 6, "sieben": 7, "zehn": 10}
DE_N = rf"(?P<n>\d+|{_words(DE_NUMBERS)})"
DE_DAYS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
    "samstag": 5, "sonntag": 6,
}  # fmt: skip
DE_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}  # fmt: skip
DE_H = r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*uhr"
DE_H_COLON = r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?:\s*uhr)?|\s*uhr)"

GERMAN = Rules(
    language="de",
    anchors=[
        (_p(r"\bübermorgen\b"), _fixed(AFTER_TOMORROW)),
        (_p(r"\bmorgen(?!s)\b"), _fixed(TOMORROW)),
        (
            _p(
                r"\b(?:heute|bis (?:zum )?ende des tages|bis tagesende|bis feierabend|"
                r"bis geschäftsschluss|bis dienstschluss)\b"
            ),
            _fixed(TODAY),
        ),
        (_p(r"\banfang (?:der )?nächste[rn]? woche\b"), _fixed(EARLY_NEXT_WEEK)),
        (
            _p(r"\b(?:nächste|kommende) woche\b|\bin der nächsten woche\b"),
            _fixed(NEXT_WEEK),
        ),
        (
            _p(r"\b(?:ende (?:der|dieser) woche|vor dem wochenende|bis zum wochenende)\b"),
            _fixed(END_WEEK),
        ),
        (_p(r"\b(?:ende (?:des|dieses) monats|monatsende)\b"), _fixed(END_MONTH)),
        *_weekday_anchors(
            DE_DAYS,
            r"\b(?:nächsten|kommenden) {day}\b",
            r"\b{day}(?=(?:vormittag|morgen|nachmittag|abend|mittag)?\b)",
        ),
        (
            _p(rf"\binnerhalb (?:von )?{DE_N} (?:werktagen|werktag|arbeitstagen|arbeitstag)\b"),
            lambda m: Anchor("business_days", _number(m["n"], DE_NUMBERS)),
        ),
        (
            _p(rf"\b(?:innerhalb (?:von )?|in ){DE_N} (?P<unit>tagen|tag|wochen|woche)\b"),
            lambda m: Anchor(
                "days",
                _number(m["n"], DE_NUMBERS) * (7 if m["unit"].lower().startswith("w") else 1),
            ),
        ),
        (
            _p(rf"\b(?P<d>\d{{1,2}})\.\s*(?P<month>{_words(DE_MONTHS)})\b"),
            _date_anchor(DE_MONTHS),
        ),
        (_p(NUMERIC_DATE), _numeric_date),
    ],
    clocks=[
        (
            _p(rf"\bzwischen\s+{HM_OPT}(?:\s*uhr)?\s+und\s+{B_HM_OPT}(?:\s*uhr)?"),
            _between_end,
        ),
        (_p(rf"\b(?:gegen|etwa um|ungefähr um)\s+{DE_H_COLON}"), _around),
        (_p(rf"\b(?:um|bis|vor)\s+{DE_H_COLON}"), _clock),
        (_p(r"\bals erstes\b|\bgleich(?= morgen früh\b)|\bgleich früh\b"), _at(FIRST_THING)),
        (
            _p(
                r"\b(?:früh|vormittag|vor (?:dem )?mittag|bis mittag|vor der mittagspause)\b|"
                r"(?<=tag)(?:vormittag|morgen)\b"
            ),
            _at(NOON),
        ),
        (_p(r"\bnachmittag\b|(?<=tag)nachmittag\b"), _at(AFTERNOON)),
        (_p(r"\babend\b|(?<=tag)abend\b"), _at(EVENING)),
    ],
    elapsed=[
        (_p(r"\b(?:innerhalb (?:von )?|in )(?:einer )?halben stunde\b"), lambda m: 30),
        (
            _p(rf"\b(?:innerhalb (?:von )?|in ){DE_N} (?P<unit>minuten|minute|stunden|stunde)\b"),
            lambda m: (
                _number(m["n"], DE_NUMBERS) * (60 if m["unit"].lower().startswith("s") else 1)
            ),
        ),
    ],
    commitment=_p(r"\b(?:ich|wir)\b"),
    not_promise=[
        (_p(r"\?\s*$"), "question"),
        (_p(r"\bnicht\b|\bkein\w*\b|\bfürchte\b|\bleider\b"), "negation"),
        (_p(r"\b(?:sobald|wenn|falls|sofern|nachdem)\b"), "condition"),
        (_p(r"^\W*(?:bitte|könnten sie|können sie|würden sie)\b|\bbitte\b"), "request"),
        (_p(r"\b(?:soll ich|könnte ich|möchten sie|würde es)\b"), "offer"),
        (_p(r"\b(?:hoffe\w*|versuche\w*|vielleicht|eventuell)\b"), "hedge"),
        (_p(r"\b(?:habe|haben|hatte|hatten|wurde|wurden)\b"), "past"),
        # "Ich wollte nachfragen, ob Sie … am Donnerstag …": asking about the customer's plan.
        (_p(r"\b(?:ob|nachfragen|nachzufragen|erkundigen|wollte|wollten)\b"), "question"),
        (_p(r"\bfreu(?:e|en) (?:mich|uns)\b"), "looking forward"),
    ],
)

# --- Ukrainian -----------------------------------------------------------------------
APOS = "['’ʼ]"
UK_NUMBERS = {"один": 1, "одного": 1, "два": 2, "двох": 2, "три": 3, "трьох": 3}
UK_NUMBERS |= {"чотирьох": 4, "п'яти": 5, "семи": 7, "десяти": 10}
UK_N = rf"(?P<n>\d+|{_words(UK_NUMBERS)})"
UK_DAYS = {
    "понеділок": 0, "понеділка": 0, "вівторок": 1, "вівторка": 1, "середа": 2, "середу": 2,
    "середи": 2, "четвер": 3, "четверга": 3, "п'ятниця": 4, "п'ятницю": 4, "п'ятниці": 4,
    "субота": 5, "суботу": 5, "суботи": 5, "неділя": 6, "неділю": 6, "неділі": 6,
}  # fmt: skip
UK_MONTHS = {
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6,
    "липня": 7, "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
}  # fmt: skip

UKRAINIAN = Rules(
    language="uk",
    anchors=[
        (_p(r"\bпіслязавтра\b"), _fixed(AFTER_TOMORROW)),
        (_p(r"\bзавтра\b"), _fixed(TOMORROW)),
        (_p(r"\b(?:сьогодні|до кінця (?:робочого )?дня)\b"), _fixed(TODAY)),
        (_p(r"\bна початк[уи] наступного тижня\b"), _fixed(EARLY_NEXT_WEEK)),
        (_p(r"\bнаступного тижня\b|\bна наступному тижні\b"), _fixed(NEXT_WEEK)),
        (_p(r"\b(?:до кінця (?:цього )?тижня|до вихідних)\b"), _fixed(END_WEEK)),
        (_p(r"\bдо кінця (?:цього )?місяця\b"), _fixed(END_MONTH)),
        *_weekday_anchors(
            UK_DAYS,
            r"\b(?:наступного|наступної|наступний|наступну) {day}\b",
            r"\b{day}\b",
        ),
        (
            _p(rf"\b(?:протягом|впродовж|за) {UK_N} робочих дн(?:ів|і)\b"),
            lambda m: Anchor("business_days", _number(m["n"], UK_NUMBERS)),
        ),
        (
            _p(rf"\b(?:протягом|впродовж|за) {UK_N} (?:днів|дні|дня)\b"),
            lambda m: Anchor("days", _number(m["n"], UK_NUMBERS)),
        ),
        (_p(r"\b(?:протягом|впродовж) (?:одного )?тижня\b"), _fixed(Anchor("days", 7))),
        (
            _p(rf"\b(?P<d>\d{{1,2}})\s+(?P<month>{_words(UK_MONTHS)})\b"),
            _date_anchor(UK_MONTHS),
        ),
        (_p(NUMERIC_DATE), _numeric_date),
    ],
    clocks=[
        (_p(rf"\bміж\s+{HM_OPT}\s+(?:і|й|та)\s+{B_HM_OPT}"), _between_end),
        (_p(rf"\bблизько\s+{HM_OPT}"), _around),
        (_p(rf"\b(?:о|об|до)\s+{HM}"), _clock),
        (_p(r"\bпершим ділом\b|\bзранку першим\b"), _at(FIRST_THING)),
        (_p(r"\b(?:вранці|зранку|до обіду|до полудня)\b"), _at(NOON)),
        (_p(r"\bпісля обіду\b|\bвдень\b"), _at(AFTERNOON)),
        (_p(r"\bввечері\b|\bувечері\b"), _at(EVENING)),
    ],
    elapsed=[
        (_p(r"\b(?:протягом|впродовж|за) півгодини\b"), lambda m: 30),
        (
            _p(rf"\b(?:протягом|впродовж|за|через) {UK_N} (?P<unit>хвилин\w*|годин\w*)\b"),
            lambda m: (
                _number(m["n"], UK_NUMBERS) * (60 if m["unit"].lower().startswith("г") else 1)
            ),
        ),
        (_p(r"\b(?:протягом|впродовж) години\b"), lambda m: 60),
    ],
    # A first-person future (perfective) verb: "передзвоню", "надішлю", "відпишу",
    # "відправимо", "зв'яжуся", "зв'яжемося", "передам".
    commitment=_p(
        r"(?<![\w'])[\w']{3,}(?:ю|жу|шу|чу|щу|мо|уся|юся|емося|ємося|имося)\b|"
        r"\b(?:пере)?дам\b|\bбуду\b|\b\w*повім\b"
    ),
    not_promise=[
        (_p(r"\?\s*$|^\W*чи\b"), "question"),
        (_p(r"\bне\b|\bні\b|\bбоюся\b|\bна жаль\b"), "negation"),
        (_p(r"\b(?:щойно|коли|якщо|як тільки|після того)\b"), "condition"),
        (_p(r"\bбудь ласка\b|^\W*прошу\b"), "request"),
        (_p(r"\b(?:можу|можемо|хочете|мені)\b"), "offer"),
        (_p(r"\b(?:сподіва\w*|спробую|постараюся|можливо)\b"), "hedge"),
        (_p(r"\bхотіл?\w*\b|\bчи\b"), "question"),
        (_p(r"\b(?:з нетерпінням|радий|рада|раді)\b"), "looking forward"),
    ],
)

RULES: dict[str, Rules] = {r.language: r for r in (ENGLISH, FRENCH, POLISH, GERMAN, UKRAINIAN)}
