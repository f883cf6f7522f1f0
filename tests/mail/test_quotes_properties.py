"""Properties of extract_new_text().

"A part of the original" means: the result's lines, each stripped of surrounding whitespace,
are a subsequence of the original's lines stripped the same way (line endings normalised). So
the extractor only ever leaves lines out; it never rewrites, reorders or invents one."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.mail.quotes import extract_new_text

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of mail the extractor reacts to, mixed with ordinary words, so that arbitrary texts
# hit its rules often.
MARKERS = [
    ">", "> ", ">> ", "-- ", "wrote:", "a écrit :", "schrieb", "napisał(a):", "пише:",
    "On Tue, Mar 12, 2024 at 11:50 AM X <x@y.example> wrote:", "From: X <x@y.example>",
    "Sent: Tuesday", "Von: a@b.example", "Gesendet: 12", "Від кого: x@y.example", "Дата: 1",
    "-----Original Message-----", "Sent from my iPhone", "Wysłane z iPhone'a", "______",
    "This e-mail is confidential", "Le 12 mars 2024 à 11:50, X <x@y.example> a écrit :",
    "<", "x@y.example>:", ":", "12:30", "\r\n", "\n", "\n\n", "  ", "\t",
]  # fmt: skip
WORDS = ["Hello", "merci", "Danke", "dziękuję", "дякую", "order 48213", "please", "call me", "."]
CHUNKS = st.lists(st.sampled_from(MARKERS + WORDS) | st.text(max_size=8), max_size=40)

# Words of a customer's own paragraph: no line of it can be read as a quote, an attribution,
# a header field, a footer, a disclaimer or a signature.
OWN_WORDS = st.sampled_from(
    ["Bonjour", "merci", "la", "commande", "Dzień", "dobry", "paczka", "nie", "dotarła",
     "Hallo", "das", "Paket", "fehlt", "Добрий", "день", "посилка", "the", "refund", "is",
     "late", "48213", "please", "call", "me", "today", "Cordialement", "Hélène", "Łukasz"]
)  # fmt: skip
OWN_LINE = st.lists(OWN_WORDS, min_size=1, max_size=8).map(" ".join)
OWN_PARAGRAPH = st.lists(OWN_LINE, min_size=1, max_size=3).map("\n".join)
OWN = st.lists(OWN_PARAGRAPH, min_size=1, max_size=3).map("\n\n".join)

ATTRIBUTIONS = st.sampled_from(
    [
        "On Tue, Mar 12, 2024 at 11:50 AM Care <care@shop.example> wrote:",
        "Le mar. 12 mars 2024 à 11:50, Service client <\naide@shop.example> a écrit :",
        "Am Di., 12. März 2024 um 11:50 Uhr schrieb Lena Fischer <\nlena@shop.example>:",
        "wt., 12 mar 2024 o 11:50 Obsługa <pomoc@shop.example> napisał(a):",
        "Wiadomość napisana przez Obsługa <pomoc@shop.example> w dniu 12.03.2024, o godz. 11:50:",
        "вт, 12 бер. 2024 р. о 11:50 Підтримка <help@shop.example> пише:",
        "12.03.24 11:50, Підтримка пише:",
    ]
)
QUOTED_LINE = st.sampled_from(["> Old text.", ">", ">> Older.", "> -- ", "> From: x"])
QUOTED = st.lists(QUOTED_LINE, min_size=1, max_size=4).map("\n".join)
ENDINGS = st.sampled_from(
    [
        "",
        "\n\nSent from my iPhone",
        "\n\nWysłane z iPhone'a",
        "\n\n-- \nJan Kowalski\n+48 600 000 000",
        "\n\n________________________________\nFrom: Care <care@shop.example>\n"
        "Sent: Tuesday, March 12, 2024 11:50 AM\nTo: Ann\n\nOld text.",
        "\n\n---------- Forwarded message ---------\nFrom: Shop <x@shop.example>\n\nPay.",
        "\n\nVon: Service <s@shop.example>\nGesendet: Dienstag, 12. März 2024\n\nAlt.",
    ]
)


def stripped_lines(text: str) -> list[str]:
    if not text:
        return []
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(any(line == candidate for candidate in remaining) for line in part)


@SETTINGS
@given(CHUNKS.map("".join))
def test_the_new_text_is_always_a_part_of_the_original(text):
    result = extract_new_text(text)
    assert is_subsequence(stripped_lines(result), stripped_lines(text))


@SETTINGS
@given(CHUNKS.map("".join))
def test_the_new_text_never_holds_a_quoted_line_or_a_device_footer(text):
    for line in stripped_lines(extract_new_text(text)):
        assert not line.startswith(">")
        assert line not in {"Sent from my iPhone", "Wysłane z iPhone'a", "-- ", "--"}


@SETTINGS
@given(OWN)
def test_text_with_nothing_quoted_comes_back_whole_and_never_empty(own):
    result = extract_new_text(own)
    assert result == own
    assert result


@SETTINGS
@given(OWN, ATTRIBUTIONS, QUOTED, ENDINGS)
def test_a_top_posted_reply_gives_exactly_the_customers_text(own, attribution, quoted, ending):
    assert extract_new_text(f"{own}{ending}\n\n{attribution}\n{quoted}\n") == own


@SETTINGS
@given(OWN, ATTRIBUTIONS, QUOTED, st.sampled_from(["", "\n\nSent from my iPhone"]))
def test_a_bottom_posted_reply_gives_exactly_the_customers_text(own, attribution, quoted, end):
    assert extract_new_text(f"{attribution}\n{quoted}\n\n{own}{end}\n") == own


@SETTINGS
@given(st.lists(st.tuples(QUOTED, OWN_PARAGRAPH), min_size=1, max_size=4), ATTRIBUTIONS)
def test_inline_answers_keep_every_own_block_in_order_and_no_quote(pairs, attribution):
    text = attribution + "\n" + "\n".join(f"{quoted}\n{own}" for quoted, own in pairs)
    assert extract_new_text(text) == "\n".join(own for _, own in pairs)


@SETTINGS
@given(ATTRIBUTIONS, QUOTED, ENDINGS)
def test_an_extraction_never_returns_only_a_quote(attribution, quoted, ending):
    assert extract_new_text(f"{attribution}\n{quoted}{ending}\n") == ""
