"""The pure grouping (klient.voice.topics, klient.voice.words): one complaint repeated
over weeks is one topic with a weekly series, labelled in the customers' language, and a
recomputation recognises the topics it found before."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from klient.voice import topics, words

MONDAY = date(2026, 9, 7)

ADVISOR_PL = [
    "Nie mogę się dodzwonić do mojego doradcy, nikt nie oddzwania.",
    "Doradca znowu nie odbiera telefonu, obiecał oddzwonić i nie oddzwonił.",
    "Od tygodnia próbuję złapać doradcę, nikt nie oddzwania.",
    "Mój doradca nie oddzwonił, a sprawa jest pilna.",
]
CARD_PL = [
    "Karta zablokowana, nie mogę zapłacić w sklepie.",
    "Dlaczego moja karta jest zablokowana?",
    "Karta znowu zablokowana przy płatności.",
]


def docs(texts, language="pl", start=0, week=MONDAY):
    return [
        topics.Document(start + i, language, week + timedelta(weeks=i), text)
        for i, text in enumerate(texts)
    ]


def test_a_complaint_repeated_over_weeks_is_one_topic_with_a_weekly_series():
    found = topics.group(docs(ADVISOR_PL) + docs(CARD_PL, start=100))

    advisor = next(t for t in found if 0 in t.members)
    assert sorted(advisor.members) == [0, 1, 2, 3]
    assert list(advisor.weeks) == [MONDAY + timedelta(weeks=n) for n in range(4)]
    # Labelled by its words as the customers wrote them.
    assert {"doradcy", "oddzwania", "doradca"} & set(advisor.label)
    card = next(t for t in found if 100 in t.members)
    assert "karta" in card.label


def test_languages_are_grouped_apart():
    english = ["My card is blocked again.", "The card was blocked at the shop.", "Card blocked!"]
    found = topics.group(docs(CARD_PL, start=0) + docs(english, "en", start=50))
    assert {t.language for t in found} == {"pl", "en"}
    assert all(len({m >= 50 for m in t.members}) == 1 for t in found)


def test_one_off_messages_are_noise():
    found = topics.group(docs(["Jakie są godziny otwarcia?", "Zmiana adresu", "Dziękuję!"]))
    assert found == []


def test_a_recomputation_recognises_the_topic_it_found_before():
    first = topics.group(docs(ADVISOR_PL))
    stored = [(41, "pl", first[0].signature), (42, "pl", {"karta": 1.0})]
    later = topics.group(docs([*ADVISOR_PL, "Doradca nadal nie oddzwonił."]))
    assert topics.match(later, stored) == {0: 41}
    assert topics.match(later, [(7, "en", first[0].signature)]) == {}


def test_words_drop_greetings_and_fold_inflections():
    terms = [t for t, _ in words.words("Dzień dobry, karta, karty, kartę. Pozdrawiam", "pl")]
    assert len(set(terms)) == 1
    assert [s for _, s in words.words("L'application plante", "fr")] == ["application", "plante"]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_a_week_is_known_by_its_monday(day):
    monday = topics.week_of(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days < 7
    assert topics.week_of(datetime(day.year, day.month, day.day, 23, 59)) == monday


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=30))
def test_a_trend_reads_the_last_weeks_against_the_weeks_before(series):
    found = topics.trend(series)
    recent, before = sum(series[-4:]), sum(series[-8:-4]) if len(series) > 4 else 0
    if found == topics.RISING:
        assert recent > before
    if found in (topics.FALLING, topics.GONE):
        assert recent < before
    if found == topics.NEW:
        assert before == 0 and recent > 0


def test_trends():
    assert topics.trend([0, 0, 0, 0, 2, 3, 1, 2]) == topics.NEW
    assert topics.trend([1, 1, 1, 1, 4, 5, 3, 4]) == topics.RISING
    assert topics.trend([5, 4, 6, 5, 1, 0, 1, 0]) == topics.FALLING
    assert topics.trend([5, 4, 6, 5, 0, 0, 0, 0]) == topics.GONE
    assert topics.trend([2, 2, 2, 2, 2, 2, 3, 2]) == topics.STEADY


def test_purity_and_pairwise_f1():
    truth = {1: "a", 2: "a", 3: "b", 4: "b", 5: ""}
    assert topics.purity([[1, 2], [3, 4]], truth) == 1.0
    assert topics.pairwise([[1, 2], [3, 4]], truth)["f1"] == 1.0
    assert topics.pairwise([[1, 2, 3, 4]], truth)["precision"] == 2 / 6


def test_grouping_the_same_messages_again_continues_every_topic():
    texts = ADVISOR_PL + CARD_PL + ["Jakie są godziny otwarcia?"]
    first = topics.group(docs(texts))
    stored = [(100 + i, t.language, t.signature) for i, t in enumerate(first)]
    again = topics.group(docs(texts))
    assert topics.match(again, stored) == {i: 100 + i for i in range(len(first))}


def test_german_compounds_count_for_their_parts():
    known = {"karte", "zahlung", "gebühr", "konto"}
    assert words.compound_parts("kartenzahlung", known) == ["karte", "zahlung"]
    assert words.compound_parts("kontoführungsgebühr", known) == ["konto", "gebühr"]
    assert words.compound_parts("karte", known) == []
    german = [
        "Meine Karte ist gesperrt.",
        "Kartenzahlung abgelehnt, Karte gesperrt?",
        "Die Kreditkarte wurde gesperrt.",
    ]
    [topic] = topics.group(docs(german, "de"))
    assert sorted(topic.members) == [0, 1, 2]
