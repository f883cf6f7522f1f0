"""Display names go out as RFC 2047 encoded words that every decoder reads back as written:
ASCII on the wire, no encoded word over 75 characters, cut only between words (klient.mail
.display_names, pure Python)."""

import base64
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from klient.mail.display_names import fold_tokens, mailbox_list_tokens, phrase_tokens

WORD = st.text(
    alphabet=st.sampled_from("abcXYZ019-'ąęłńóśźżĄŁŻабвгґдєжїйПШЩЮЯ—,.\"()"),
    min_size=1,
    max_size=14,  # at most 43 bytes with its space: one encoded word holds 45
)
NAME = st.lists(WORD, min_size=1, max_size=8).map(" ".join)


def decoded(tokens: list[str]) -> str:
    return str(make_header(decode_header(" ".join(tokens))))


@given(NAME)
def test_any_non_ascii_name_is_read_back_exactly_by_an_rfc_2047_decoder(name):
    tokens = phrase_tokens(name)

    assert all(token.isascii() for token in tokens)
    if not name.isascii():
        assert decoded(tokens) == name
        encoded = [t for t in tokens if t.startswith("=?")]
        assert all(len(t) <= 75 for t in encoded)


@given(NAME)
def test_an_encoded_word_ends_between_words(name):
    """(Words here fit in one encoded word; only a longer one is cut between characters.)"""
    tokens = phrase_tokens(name)

    for token, following in pairwise(tokens):
        if token.startswith("=?") and following.startswith("=?"):  # adjacent encoded words
            assert base64.b64decode(token[10:-2]).decode().endswith(" ")


def test_a_plain_ascii_name_stays_readable_and_one_with_specials_is_quoted():
    assert phrase_tokens("Anna  Kowalska") == ["Anna", "Kowalska"]
    assert phrase_tokens('Kowalska, Anna "AK"') == ['"Kowalska, Anna \\"AK\\""']
    assert phrase_tokens("=?utf-8?b?SGk=?=")[0] != "=?utf-8?b?SGk=?="  # never decoded as "Hi"


def test_a_folded_mailbox_list_parses_back_into_its_mailboxes():
    mailboxes = [
        ("Олександр Костянтинович Шевченко-Ковальчук — Служба підтримки", "a@x.example"),
        ('Kowalska, Anna "AK"', "b@x.example"),
        ("", "c@x.example"),
    ]
    header = fold_tokens("To", mailbox_list_tokens(mailboxes), "\r\n")

    assert all(len(line) <= 78 for line in header.split("\r\n"))
    parsed = message_from_bytes(header.encode() + b"\r\nx", policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == [
        "a@x.example",
        "b@x.example",
        "c@x.example",
    ]
    assert parsed["To"].addresses[1].display_name == 'Kowalska, Anna "AK"'


def test_a_word_too_long_for_one_encoded_word_is_cut_between_characters():
    word = "Żółć" * 12  # 96 bytes: 45 + 45 + 6

    tokens = phrase_tokens(word)

    assert len(tokens) == 3 and all(len(t) <= 75 for t in tokens)
    assert decoded(tokens) == word
