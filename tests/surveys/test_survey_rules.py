"""The survey's rules as pure Python: the CSAT score, what is good and bad, and the
14-day and 24-hour limits, for any answers and any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from klient.surveys import rules

ALL = [r for ratings in rules.RATINGS.values() for r in ratings]
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@given(st.lists(st.sampled_from(ALL)))
def test_the_score_is_the_share_of_good_answers(ratings):
    score = rules.score(ratings)
    if not ratings:
        assert score is None
        return
    assert score is not None and 0 <= score <= 100
    good = sum(1 for r in ratings if r in ("good", "4", "5"))
    assert abs(score - 100 * good / len(ratings)) <= 0.05 + 1e-9  # rounded to one decimal


@given(st.sampled_from(ALL))
def test_no_rating_is_both_good_and_bad_and_three_is_neither(rating):
    assert not (rules.is_good(rating) and rules.is_bad(rating))
    assert (rules.is_good(rating) or rules.is_bad(rating)) == (rating != "3")


@given(st.sampled_from(rules.SCALES), st.text(max_size=3))
def test_a_scale_takes_only_its_own_ratings(scale, rating):
    assert rules.valid_rating(scale, rating) == (rating in rules.RATINGS[scale])


@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)))
def test_the_link_is_valid_for_exactly_fourteen_days(sent_at, age):
    assert rules.link_expired(sent_at, sent_at + age) == (age >= timedelta(days=14))


@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)))
def test_an_answer_may_change_for_exactly_24_hours(answered_at, age):
    assert rules.change_allowed(answered_at, answered_at + age) == (age < timedelta(hours=24))
    assert rules.change_allowed(None, answered_at + age)


def test_an_unsent_survey_has_no_valid_link():
    assert rules.link_expired(None, datetime.now(UTC))
