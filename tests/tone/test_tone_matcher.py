"""The tone guard's matcher, without Django: every shipped rule flags its examples and lets
its near misses pass, findings always point at the words they quote, and the hand-labelled
sentences are scored per language."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klient.tone import matcher, rulebook, scoring
from klient.tone.matcher import Rule, Rulebook, find, normalise, phrase_pattern

LABELLED = Path(__file__).with_name("labelled")
LANGUAGES = rulebook.LANGUAGES


def shipped_rules():
    return [(language, rule) for language in LANGUAGES for rule in rulebook.load_rules(language)]


@pytest.mark.parametrize(("language", "rule"), shipped_rules(), ids=lambda v: getattr(v, "id", v))
def test_every_rule_flags_its_examples_and_passes_its_near_misses(language, rule):
    book = rulebook.rulebook(language)
    assert rule.examples, f"{rule.id} has no example"
    for example in rule.examples:
        found = find(example, book)
        assert rule.category in {f.category for f in found}, (rule.id, example)
    for near_miss in rule.passes:
        assert find(near_miss, book) == [], (rule.id, near_miss)


def test_every_language_has_rules_of_every_category():
    for language in LANGUAGES:
        categories = {rule.category for rule in rulebook.load_rules(language)}
        assert categories == set(matcher.CATEGORIES), language


def test_rule_ids_are_unique_and_name_their_language_and_category():
    ids = [rule.id for _language, rule in shipped_rules()]
    assert len(ids) == len(set(ids))
    for language, rule in shipped_rules():
        assert rule.id.startswith(f"{language}.{rule.category}."), rule.id


@pytest.mark.parametrize(
    ("language", "text", "category", "quote"),
    [
        (
            "en",
            "As I already told you, the refund takes five days.",
            "passive_aggressive",
            "As I already told you",
        ),
        (
            "fr",
            "Comme je vous l'ai déjà dit, le remboursement prend cinq jours.",
            "passive_aggressive",
            "Comme je vous l'ai déjà dit",
        ),
        ("pl", "Jak już mówiłem, zwrot trwa pięć dni.", "passive_aggressive", "Jak już mówiłem"),
        (
            "de",
            "Wie ich bereits schrieb, liefern wir sonntags nicht.",
            "passive_aggressive",
            "Wie ich bereits schrieb",
        ),
        (
            "uk",
            "Як я вже казав, повернення триває п'ять днів.",
            "passive_aggressive",
            "Як я вже казав",
        ),
        (
            "en",
            "Please let us know whether you will actually come on Thursday.",
            "doubting",
            "whether you will actually come",
        ),
        ("en", "You should have read the terms.", "blaming", "You should have"),
        ("en", "Obviously you need to log in first.", "condescending", "Obviously you"),
        ("en", "There is nothing we can do.", "dismissive", "There is nothing we can do"),
    ],
)
def test_a_finding_quotes_the_offending_words(language, text, category, quote):
    (finding,) = find(text, rulebook.rulebook(language))
    assert (finding.category, finding.quote) == (category, quote)
    assert text[finding.start : finding.end] == quote
    assert finding.reason and finding.suggestion


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "As discussed, I have attached the quote."),
        ("en", "Actually, that is a great idea."),
        (
            "en",
            "Could you please confirm whether you will attend, so that we can reserve the room?",
        ),
        ("en", "If you have already paid, please disregard this message."),
        (
            "en",
            "We can't refund this ourselves, but I have forwarded your request to our billing.",
        ),
        ("fr", "Comme convenu, je vous envoie le formulaire."),
        ("pl", "Jeśli płatność została już dokonana, prosimy zignorować tę wiadomość."),
        (
            "de",
            "Falls Sie bereits bezahlt haben, betrachten Sie diese Nachricht als gegenstandslos.",
        ),
        ("uk", "Якщо ви вже оплатили, просто не зважайте на цей лист."),
    ],
)
def test_the_near_misses_the_issue_names_pass(language, text):
    assert find(text, rulebook.rulebook(language)) == []


def test_typographic_apostrophes_and_line_breaks_are_matched_with_offsets_kept():
    text = "Hello,\n\nas I\u00a0already told\nyou, it\u2019s not our problem."
    found = find(text, rulebook.rulebook("en"))
    assert [(f.category, f.quote) for f in found] == [
        ("passive_aggressive", "as I\u00a0already told\nyou"),
        ("dismissive", "it\u2019s not our problem"),
    ]


def test_administrators_phrases_are_literal_words_in_order():
    extra = Rule(
        id="admin.1",
        category="dismissive",
        patterns=(phrase_pattern("  per   our policy (.*) "),),
        reason="r",
        suggestion="s",
    )
    book = rulebook.rulebook("en", [extra])
    assert [f.rule for f in find("Per our  policy (.*) no.", book)] == ["admin.1"]
    assert find("Per our policy, no.", book) == []


@given(st.text(max_size=400), st.sampled_from(LANGUAGES))
def test_findings_always_point_inside_the_text_at_what_they_quote(text, language):
    for finding in find(text, rulebook.rulebook(language)):
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.quote
        assert finding.category in matcher.CATEGORIES


phrases = st.sampled_from(
    [
        "as I already told you",
        "jak już mówiłem",
        "wie ich bereits schrieb",
        "як я вже казав",
        "comme je vous l'ai déjà dit",
        "That's not our problem",
    ]
)


@given(st.text(max_size=80), phrases, st.text(max_size=80))
def test_an_offending_phrase_is_found_wherever_it_stands(before, phrase, after):
    text = f"{before} {phrase} {after}"
    found = []
    for language in LANGUAGES:
        found += find(text, rulebook.rulebook(language))
    for finding in found:
        assert text[finding.start : finding.end] == finding.quote
    assert any(
        phrase.lower() in f.quote.lower() or f.quote.lower() in phrase.lower() for f in found
    )


@given(st.text(max_size=200))
def test_normalising_keeps_the_length(text):
    assert len(normalise(text)) == len(text)


def _scores(language, part):
    items = scoring.load_labelled(LABELLED / f"{language}.{part}.txt")
    book = rulebook.rulebook(language)
    scores, _wrong = scoring.score(items, lambda item: find(item.text, book))
    return items, scores


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_labelled_sets_are_big_enough_and_half_offending(language):
    rules_part, _ = _scores(language, "rules")
    # Both held-out batches are kept out of rule writing (the second one since the first was read).
    held_out = _scores(language, "heldout")[0] + _scores(language, "heldout2")[0]
    everything = rules_part + held_out
    assert len(everything) >= 150
    offending = [item for item in everything if item.categories]
    assert 0.4 <= len(offending) / len(everything) <= 0.6
    assert len(held_out) / len(everything) >= 0.38
    for category in matcher.CATEGORIES:
        assert sum(category in item.categories for item in held_out) >= 5


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rule_writing_part_is_matched(language):
    _items, scores = _scores(language, "rules")
    assert scores["all"].precision >= 0.95 and scores["all"].recall >= 0.95


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_held_out_part_stays_where_it_was_first_measured(language):
    """A floor under the held-out figures (docs/tone.md has them per language and category;
    the targets are precision 0.9 and recall 0.8): a change to the rules that loses ground
    on sentences it was never written against fails here."""
    _items, scores = _scores(language, "heldout")
    assert scores["all"].precision >= 0.85
    assert scores["all"].recall >= 0.85


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_second_held_out_batch_stays_where_it_was_first_measured(language):
    """The fresh batch, read once after the accuracy pass (1.00 precision, 0.90–1.00 recall):
    a floor, so a later change to the rules cannot lose it unnoticed."""
    _items, scores = _scores(language, "heldout2")
    assert scores["all"].precision >= 0.9
    assert scores["all"].recall >= 0.85


def test_a_broken_rule_file_entry_is_refused():
    with pytest.raises(ValueError):
        Rulebook("en", [Rule(id="x", category="rude", patterns=("a",), reason="", suggestion="")])
