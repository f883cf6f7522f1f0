"""Finding promises and their due times (klient.promises.detect), pure Python: the
convention table of issue 17 row by row, in five languages, in the reference's own zone,
elapsed offsets across DST; the hand-labelled sets' targets; and properties that hold
for any text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klient.promises.detect import find_promises

LABELLED = Path(__file__).parent / "labelled"
LANGUAGES = ["en", "fr", "pl", "de", "uk"]
WARSAW = ZoneInfo("Europe/Warsaw")
# Wednesday 25 March 2026, 10:00 in Warsaw: Europe goes to summer time on Sunday the 29th.
WEDNESDAY = datetime(2026, 3, 25, 10, 0, tzinfo=WARSAW)


def due(text: str, language: str, reference: datetime = WEDNESDAY) -> str | None:
    found = find_promises(text, reference, language)
    return found[0].due.strftime("%Y-%m-%d %H:%M") if found else None


# One sentence per row of the table, in English; the other languages' rows are in the
# labelled sets (tests below).
TABLE = [
    ("I'll send it today.", "2026-03-25 17:00"),
    ("I'll send it by end of day.", "2026-03-25 17:00"),
    ("I'll send it by close of business.", "2026-03-25 17:00"),
    ("I'll call you this morning.", "2026-03-25 12:00"),
    ("I'll call you before noon.", "2026-03-25 12:00"),
    ("I'll call you this afternoon.", "2026-03-25 18:00"),
    ("I'll call you tonight.", "2026-03-25 21:00"),
    ("I'll call you this evening.", "2026-03-25 21:00"),
    ("I'll call you tomorrow.", "2026-03-26 17:00"),
    ("I'll call you tomorrow morning.", "2026-03-26 12:00"),
    ("I'll call you tomorrow before lunch.", "2026-03-26 12:00"),
    ("I'll call you first thing tomorrow.", "2026-03-26 10:00"),
    ("I'll call you tomorrow afternoon.", "2026-03-26 18:00"),
    ("I'll call you tomorrow evening.", "2026-03-26 21:00"),
    ("I'll call you at 15:30.", "2026-03-25 15:30"),
    ("I'll call you around 2 pm.", "2026-03-25 14:30"),
    ("I'll call you between 2 and 4 pm.", "2026-03-25 16:00"),
    ("I'll call you the day after tomorrow.", "2026-03-27 17:00"),
    ("I'll fix it within 3 days.", "2026-03-28 17:00"),
    ("I'll fix it within a week.", "2026-04-01 17:00"),
    ("I'll fix it within 3 business days.", "2026-03-30 17:00"),
    ("I'll fix it within 2 hours.", "2026-03-25 12:00"),
    ("I'll fix it within 30 minutes.", "2026-03-25 10:30"),
    ("I'll fix it within 96 hours.", "2026-03-29 11:00"),  # across the spring change
    ("I'll call you by Friday.", "2026-03-27 17:00"),
    ("I'll call you on Wednesday.", "2026-04-01 17:00"),  # the next one after today
    ("I'll call you on Friday morning.", "2026-03-27 12:00"),
    ("I'll call you by 6 pm on Friday.", "2026-03-27 18:00"),
    ("I'll send it by the end of the week.", "2026-03-27 17:00"),
    ("I'll send it before the weekend.", "2026-03-27 17:00"),
    ("I'll send it next week.", "2026-04-03 17:00"),
    ("I'll send it early next week.", "2026-03-31 17:00"),
    ("I'll send it next Monday.", "2026-03-30 17:00"),
    ("I'll send it next Thursday.", "2026-04-02 17:00"),
    ("I'll send it by the end of the month.", "2026-03-31 17:00"),
    ("I'll send it by 15 April.", "2026-04-15 17:00"),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_every_row_of_the_convention_table(text, expected):
    assert due(text, "en") == expected


def test_the_end_of_the_month_is_its_last_weekday():
    # October 2026 ends on a Saturday: the last working day is Friday the 30th.
    thursday = datetime(2026, 10, 22, 13, 0, tzinfo=WARSAW)
    assert due("I'll send it by the end of the month.", "en", thursday) == "2026-10-30 17:00"


def test_elapsed_hours_cross_the_autumn_change_as_real_time():
    thursday = datetime(2026, 10, 22, 13, 0, tzinfo=WARSAW)
    found = find_promises("We will fix it within 72 hours.", thursday, "en")
    assert found[0].due.astimezone(UTC) == thursday.astimezone(UTC) + timedelta(hours=72)
    assert found[0].due.strftime("%H:%M %z") == "12:00 +0100"


def test_due_times_are_in_the_reference_zone():
    tokyo = datetime(2026, 4, 14, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    found = find_promises("I'll email you the contract tomorrow.", tokyo, "en")
    assert found[0].due.isoformat() == "2026-04-15T17:00:00+09:00"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I'll call you back tomorrow."),
        ("pl", "Oddzwonię jutro."),
        ("de", "Ich melde mich bis Freitag."),
        ("fr", "Je vous rappelle demain."),
        ("uk", "Передзвоню завтра."),
    ],
)
def test_the_issues_examples_are_promises(language, text):
    assert find_promises(text, WEDNESDAY, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I'll pass it on."),  # no deadline
        ("en", "I'll get back to you as soon as possible."),  # vague
        ("en", "I'll get back to you in the coming days."),
        ("en", "I'll send it once the stock arrives."),  # condition on an unknown event
        ("en", "Please send us the form by Friday."),  # a request to the customer
        ("en", "Shall I call you tomorrow?"),  # an offer, a question
        ("en", "I called you yesterday."),  # past
        ("en", "I can't promise it will be ready tomorrow."),  # negation
        ("fr", "Je ne peux pas vous promettre que ce sera prêt demain."),
        ("pl", "Nie mogę obiecać, że będzie gotowe jutro."),
        ("de", "Ich kann nicht versprechen, dass es morgen fertig ist."),
        ("uk", "Не можу обіцяти, що завтра буде готово."),
        # Asking about the customer's own plans (story 5's reminder draft) commits no one.
        ("de", "Ich wollte nachfragen, ob Sie den Termin am Donnerstag wahrnehmen."),
        ("en", "I wanted to check whether you are coming on Thursday."),
        ("uk", "Я хотіла уточнити, чи ви прийдете в четвер."),
        # Looking forward to a meeting is no commitment to act.
        ("de", "Ich freue mich auf unseren Termin am Donnerstag um 10 Uhr."),
        ("en", "I look forward to our meeting on Thursday at 10."),
        ("fr", "Au plaisir de vous voir jeudi à 10 h."),
        ("pl", "Cieszę się na nasze spotkanie w czwartek o 10."),
        ("uk", "Радий буду бачити вас у четвер о 10."),
    ],
)
def test_what_the_issue_says_is_no_promise(language, text):
    assert find_promises(text, WEDNESDAY, language) == []


def test_offsets_point_at_the_quote_in_the_text():
    text = "Thank you for your patience.\n\nI'll call you back tomorrow. Best regards, Anna"
    [found] = find_promises(text, WEDNESDAY, "en")
    assert text[found.start : found.end] == found.quote == "I'll call you back tomorrow."


def test_without_a_language_every_language_is_tried():
    [found] = find_promises("Merci. Je vous rappelle demain.", WEDNESDAY)
    assert found.quote == "Je vous rappelle demain."


def test_a_reference_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        find_promises("I'll call you tomorrow.", datetime(2026, 3, 25, 10, 0), "en")


# -- the hand-labelled sets --------------------------------------------------------------


def labelled(language: str, part: str):
    for line in (LABELLED / f"{language}.{part}.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        reference, zone, expected, text = line.split("\t")
        tz = ZoneInfo(zone)
        when = datetime.fromisoformat(reference).replace(tzinfo=tz)
        want = None if expected == "-" else datetime.fromisoformat(expected).replace(tzinfo=tz)
        yield text, when, want


def scores(language: str, part: str) -> dict[str, float]:
    tp = fp = fn = exact = 0
    for text, when, want in labelled(language, part):
        found = find_promises(text, when, language)
        if want is None:
            fp += bool(found)
        elif not found:
            fn += 1
        else:
            tp += 1
            exact += found[0].due == want
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "due_exact": exact / tp if tp else 1.0,
        "sentences": tp + fp + fn,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_a_hundred_labelled_sentences(language):
    count = sum(len(list(labelled(language, part))) for part in ("dev", "heldout"))
    assert count >= 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_precision_and_recall_meet_the_targets(language):
    result = scores(language, "heldout")
    assert result["precision"] >= 0.9, result
    assert result["recall"] >= 0.8, result


@pytest.mark.parametrize("language", LANGUAGES)
def test_due_times_of_the_rule_writing_part_are_exact(language):
    assert scores(language, "dev")["due_exact"] == 1.0


# -- properties ------------------------------------------------------------------------

ZONES = st.sampled_from(
    ["Europe/Warsaw", "Europe/Kyiv", "Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"]
)
MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
FUTURE = [
    ("en", "I'll call you back tomorrow."),
    ("en", "We will reply within 48 hours."),
    ("en", "I'll send it next week."),
    ("en", "I'll send it within 3 business days."),
    ("fr", "Je vous rappelle après-demain."),
    ("pl", "Odezwę się w przyszły poniedziałek."),
    ("de", "Ich melde mich innerhalb von 2 Stunden."),
    ("uk", "Я зв'яжуся з вами наступного тижня."),
]


@settings(max_examples=200, deadline=None)
@given(moment=MOMENTS, zone=ZONES, example=st.sampled_from(FUTURE))
def test_a_future_expression_is_always_due_after_the_reference(moment, zone, example):
    language, text = example
    reference = moment.astimezone(ZoneInfo(zone))
    [found] = find_promises(text, reference, language)
    assert found.due > reference
    assert found.due.utcoffset() == found.due.tzinfo.utcoffset(found.due)


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(max_size=80),
    after=st.text(max_size=80),
    example=st.sampled_from(FUTURE),
)
def test_offsets_stay_inside_the_text(before, after, example):
    language, sentence = example
    text = f"{before}\n{sentence}\n{after}"
    for found in find_promises(text, WEDNESDAY, language):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start : found.end] == found.quote


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), language=st.sampled_from([None, *LANGUAGES]))
def test_never_crashes(text, language):
    for found in find_promises(text, WEDNESDAY, language):
        assert text[found.start : found.end] == found.quote
