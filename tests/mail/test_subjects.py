"""Reply prefixes taken off a subject, in the five languages and the forms clients write."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from klient.mail.subjects import is_reply, normalise_subject, strip_reply_prefixes

PREFIXES = ["Re: ", "RE: ", "Aw: ", "AW: ", "Odp: ", "Odp. ", "Odp.: ", "Réf. : ", "REF: ",
            "Отв: ", "Відп: ", "Re[2]: ", "RE(3): ", "Re： ", "Re : "]  # fmt: skip


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Faktura VAT", "faktura vat"),
        ("RE: AW: Re: Lieferung  verspätet", "lieferung verspätet"),
        ("Odp: Odp: Zamówienie 1042", "zamówienie 1042"),
        ("Réf. : Commande non reçue", "commande non reçue"),
        ("Відп: Повернення коштів", "повернення коштів"),
        ("Отв: Повернення коштів", "повернення коштів"),
        ("Re[2]: Order 1042", "order 1042"),
        ("Re：Order 1042", "order 1042"),
        ("Order 1042", "order 1042"),
    ],
)
def test_reply_prefixes_are_removed(subject, expected):
    assert normalise_subject(subject) == expected


def test_a_forward_or_a_word_starting_like_a_prefix_is_not_a_reply():
    assert not is_reply("Fwd: Order 1042")
    assert not is_reply("TR: Commande")
    assert not is_reply("Refund please")
    assert not is_reply("Awaria drukarki")
    assert normalise_subject("Fwd: Order 1042") == "fwd: order 1042"


def test_prefixes_are_counted():
    assert strip_reply_prefixes("Re: AW: Odp: Hello") == ("Hello", 3)


subjects = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(subjects, st.lists(st.sampled_from(PREFIXES), max_size=5))
def test_any_chain_of_prefixes_normalises_to_the_bare_subject(subject, prefixes):
    # A subject that itself starts like a prefix ("Re: ...", ": ...") merges with it.
    assume(not is_reply(subject) and subject.lstrip()[:1] not in ":：")
    assert normalise_subject("".join(prefixes) + subject) == normalise_subject(subject)


@given(subjects)
def test_normalising_is_idempotent(subject):
    once = normalise_subject(subject)
    assert normalise_subject(once) == once


@given(subjects, st.sampled_from(PREFIXES))
def test_a_prefixed_subject_is_a_reply(subject, prefix):
    assert is_reply(prefix + subject)
