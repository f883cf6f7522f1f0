"""detect_language(): one of five languages, or "" when unsure."""

from __future__ import annotations

import pytest

from klient.mail.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks, resetting the password worked and I can log in again.", "en"),
        (
            "Je n'ai toujours pas reçu le remboursement de ma commande. Pourriez-vous vérifier ?",
            "fr",
        ),
        ("Zamówienie nr 4471 nadal nie dotarło. Proszę o sprawdzenie, gdzie jest przesyłka.", "pl"),
        ("Leider funktioniert die Rücksendung über Ihr Portal nicht. Können Sie mir helfen?", "de"),
        ("Моє замовлення досі не доставлено, хоча минуло вже два тижні.", "uk"),
    ],
)
def test_each_supported_language_is_detected(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "OK", "Thanks!", "12345 67890", "https://x.example/a@b"])
def test_short_or_letterless_text_is_unsure(text):
    assert detect_language(text) == ""


def test_russian_is_not_reported_as_ukrainian():
    assert detect_language("Мы получили ваш заказ и скоро его отправим, спасибо за ожидание.") == ""


def test_only_the_start_of_a_long_text_is_used():
    text = "Bonjour, je voudrais annuler ma commande, merci beaucoup. " * 3 + "Hello " * 2000
    assert detect_language(text) == "fr"


def test_urls_and_addresses_do_not_count_as_words():
    text = "https://www.example.com/path/to/page someone@example.com www.example.de/x " * 5
    assert detect_language(text) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Typed without diacritics (a phone, a foreign keyboard): never taken for English.
        ("Dzien dobry, zamowienie nr 4471 nadal nie dotarlo, prosze o sprawdzenie statusu.", "pl"),
        ("Bonjour, je n'ai pas recu ma commande et le suivi ne marche pas. Merci.", "fr"),
        ("Hallo, ich habe die Rechnung fur Mai noch nicht bekommen. Danke und Gruss", "de"),
        ("Hi, I’m still waiting for the refund of my order — could you check it please?", "en"),
        ("Hello team, the invoice for May has the wrong VAT number. Please send a new one.", "en"),
        ("Thanks for the quick answer, it works now and we can close this ticket.", "en"),
    ],
)
def test_plain_ascii_text_is_english_only_with_english_function_words(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, resetting the password worked and I can log in again.",
        "Hello team, the invoice for May has the wrong VAT number. Please send a new one.",
        "Dzien dobry, zamowienie nr 4471 nadal nie dotarlo, prosze o sprawdzenie statusu.",
        "Bonjour, je n'ai pas recu ma commande et le suivi ne marche pas. Merci.",
        "Hallo, ich habe die Rechnung fur Mai noch nicht bekommen. Danke und Gruss",
    ],
)
def test_the_english_shortcut_agrees_with_lingua(text, monkeypatch):
    from klient.mail import language

    fast = detect_language(text)
    monkeypatch.setattr(language, "_plainly_english", lambda sample: False)
    assert detect_language(text) == fast
