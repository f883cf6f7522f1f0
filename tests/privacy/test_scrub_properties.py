"""klient.privacy.scrub, pure: no string that quotes an erased value survives, anything
else is kept as it was (keys, numbers, strings that quote nothing), and scrubbing twice is
scrubbing once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from klient.privacy.scrub import needles, scrub, text_lines

NEEDLE = st.text(min_size=4, max_size=12).filter(lambda v: len(v.strip()) >= 4)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)


def shape(value):
    if isinstance(value, str):
        return str
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    return value


@given(JSON, st.lists(NEEDLE, min_size=1, max_size=4), st.text(max_size=10))
def test_no_quoting_string_survives_and_the_rest_is_kept(value, values, around):
    found = needles(values)
    quoted = {"quote": around + values[0].upper() + around, "kept": value}

    scrubbed = scrub(quoted, found)

    assert scrubbed["quote"] == ""
    assert not any(n in s.casefold() for s in strings(scrubbed) for n in found)
    assert shape(scrubbed) == shape(quoted)
    assert scrub(scrubbed, found) == scrubbed
    for before, after in zip(strings(value), strings(scrubbed["kept"]), strict=True):
        assert after in (before, "")
        assert (after == "") == (before == "" or any(n in before.casefold() for n in found))


def test_short_values_and_short_lines_are_not_looked_for():
    assert needles(["Jo", " ab ", "", "Olga"]) == {"olga"}
    assert text_lines("Dzień dobry,\nMoja pralka przecieka od wtorku.\n\nOlga") == [
        "Moja pralka przecieka od wtorku."
    ]
