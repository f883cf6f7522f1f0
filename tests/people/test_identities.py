"""Identities in their normal form: what a customer is recognised by, on every channel."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from klient.people.identities import (
    InvalidIdentity,
    normalise,
    normalise_chat,
    normalise_email,
    normalise_phone,
)

REGIONS = ["PL", "DE", "FR", "UA", "GB", "US"]


@st.composite
def numbers(draw):
    """A number of one of Klient's regions: an example number with other last digits."""
    region = draw(st.sampled_from(REGIONS))
    kind = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
        )
    )
    example = phonenumbers.example_number_for_type(region, kind)
    tail = draw(st.integers(0, 999))
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code,
        national_number=example.national_number // 1000 * 1000 + tail,
    )
    assume(phonenumbers.is_possible_number(number))
    return region, number


def written(draw, text):
    """The number as a person writes it: groups split by spaces, dashes or dots."""
    separator = draw(st.sampled_from([" ", "-", ".", ""]))
    return separator.join(text.split())


@given(numbers(), st.data())
def test_a_number_written_nationally_or_internationally_is_one_e164_number(drawn, data):
    region, number = drawn
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    e164 = normalise_phone(national, region)

    assert e164 == normalise_phone(international, "") == normalise_phone(international, "FR")
    assert e164.startswith("+") and e164[1:].isdigit()


@given(numbers())
def test_normalising_a_number_twice_changes_nothing(drawn):
    region, number = drawn
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    once = normalise("phone", national, region=region)

    assert normalise("phone", once, region=region) == once
    assert normalise("phone", once, region="US") == once


@given(st.emails() | st.text(min_size=1, max_size=80))
def test_normalising_an_email_twice_changes_nothing(address):
    once = normalise_email(address)

    assert normalise_email(once) == once
    assert once == once.strip().lower()


@given(st.text(min_size=1, max_size=60))
def test_a_chat_visitor_id_is_kept_as_issued_or_refused(visitor):
    try:
        once = normalise_chat(visitor)
    except InvalidIdentity:
        return
    assert normalise_chat(once) == once
    assert once == visitor.strip()


def test_what_names_no_one_is_refused():
    with pytest.raises(InvalidIdentity):
        normalise_phone("call me maybe", "PL")
    with pytest.raises(InvalidIdentity):
        normalise_phone("123", "PL")
    with pytest.raises(InvalidIdentity):
        normalise("fax", "+48601234567")
    with pytest.raises(InvalidIdentity):
        normalise("chat", "visitor with spaces")
    with pytest.raises(InvalidIdentity):
        normalise("email", "   ")
