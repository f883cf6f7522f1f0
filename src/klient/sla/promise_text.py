"""A reply promise in the customer's words: "Odpowiemy najpóźniej we wtorek do 10:00."

Pure Python (no Django, no Babel): customers get these texts by email in their own
language whatever the agents' UI language, so the five languages' weekday and month names,
prepositions and time formats are written here. The wording depends on how far the
promised moment is, in the customer's time zone: today, tomorrow, a weekday within six
days, else a date (with the year when it is not this year's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["LANGUAGES", "language_of", "promise_sentence", "when_phrase"]


@dataclass(frozen=True, slots=True)
class _Words:
    weekdays: tuple[str, ...]  # Monday first, as they follow the weekday preposition
    months: tuple[str, ...]  # January first, as they follow a day number
    today: str
    tomorrow: str
    weekday: str  # {weekday}
    date: str  # {weekday} {day} {month} {year}
    time: str  # {hh} {mm} {zone}
    sentence: str  # {when} {time}


_WORDS = {
    "en": _Words(
        weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        today="today",
        tomorrow="tomorrow",
        weekday="on {weekday}",
        date="on {weekday} {day} {month}{year}",
        time="{hh}:{mm}{zone}",
        sentence="A person from our team will answer you {when} by {time} at the latest.",
    ),
    "pl": _Words(
        # After "w"/"we": the accusative (w środę, we wtorek).
        weekdays=(
            "w poniedziałek",
            "we wtorek",
            "w środę",
            "w czwartek",
            "w piątek",
            "w sobotę",
            "w niedzielę",
        ),
        months=(
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ),
        today="dziś",
        tomorrow="jutro",
        weekday="{weekday}",
        date="{weekday}, {day} {month}{year},",
        time="{hh}:{mm}{zone}",
        sentence="Odpowiemy najpóźniej {when} do {time}.",
    ),
    "fr": _Words(
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        months=(
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        today="aujourd’hui",
        tomorrow="demain",
        weekday="{weekday}",
        date="le {weekday} {day} {month}{year}",
        time="{hh} h {mm}{zone}",
        sentence="Une personne de notre équipe vous répondra au plus tard {when} à {time}.",
    ),
    "de": _Words(
        weekdays=(
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ),
        months=(
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ),
        today="heute",
        tomorrow="morgen",
        weekday="am {weekday}",
        date="am {weekday}, {day}. {month}{year},",
        time="{hh}:{mm} Uhr{zone}",
        sentence="Eine Person aus unserem Team antwortet Ihnen spätestens {when} um {time}.",
    ),
    "uk": _Words(
        # After "у": the accusative (у середу, у п'ятницю).
        weekdays=(
            "у понеділок",
            "у вівторок",
            "у середу",
            "у четвер",
            "у пʼятницю",
            "у суботу",
            "у неділю",
        ),
        months=(
            "січня",
            "лютого",
            "березня",
            "квітня",
            "травня",
            "червня",
            "липня",
            "серпня",
            "вересня",
            "жовтня",
            "листопада",
            "грудня",
        ),
        today="сьогодні",
        tomorrow="завтра",
        weekday="{weekday}",
        date="{weekday}, {day} {month}{year},",
        time="{hh}:{mm}{zone}",
        sentence="Ми відповімо вам найпізніше {when} до {time}.",
    ),
}
LANGUAGES = tuple(_WORDS)
_ONE_MINUTE = timedelta(minutes=1)
_YEAR = {"en": " {year}", "pl": " {year} r.", "fr": " {year}", "de": " {year}", "uk": " {year} р."}


def language_of(code: str | None) -> str:
    """One of LANGUAGES for a language code such as "pl", "pl-PL" or "" (English)."""
    base = (code or "").replace("_", "-").split("-", 1)[0].lower()
    return base if base in _WORDS else "en"


def when_phrase(
    language: str, due: datetime, *, now: datetime, zone: ZoneInfo, name_zone: bool
) -> tuple[str, str]:
    """(day words, time words) for `due` as seen in `zone` from `now`: ("we wtorek",
    "10:00"). With `name_zone` the time names its zone: "10:00 (Europe/Warsaw)"."""
    words = _WORDS[language_of(language)]
    local, today = due.astimezone(zone), now.astimezone(zone).date()
    days = (local.date() - today).days
    weekday = words.weekdays[local.weekday()]
    if days <= 0:
        day = words.today
    elif days == 1:
        day = words.tomorrow
    elif days <= 6:
        day = words.weekday.format(weekday=weekday)
    else:
        year = "" if local.year == today.year else _YEAR[language_of(language)]
        day = words.date.format(
            weekday=weekday,
            day=local.day,
            month=words.months[local.month - 1],
            year=year.format(year=local.year),
        )
    zone_note = f" ({zone.key})" if name_zone else ""
    time = words.time.format(hh=f"{local.hour:02d}", mm=f"{local.minute:02d}", zone=zone_note)
    return day, time


def promise_sentence(
    language: str, due: datetime, *, now: datetime, zone: ZoneInfo, name_zone: bool
) -> str:
    """The whole promise: "Odpowiemy najpóźniej we wtorek do 10:00." A due moment with
    seconds is rounded up to the next minute: a promise is never earlier than the target."""
    if due.second or due.microsecond:
        due = due.replace(second=0, microsecond=0) + _ONE_MINUTE
    day, time = when_phrase(language, due, now=now, zone=zone, name_zone=name_zone)
    return _WORDS[language_of(language)].sentence.format(when=day, time=time)
