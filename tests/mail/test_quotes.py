"""extract_new_text(): new text separated from quoted history, five languages."""

from __future__ import annotations

import pytest

from klient.mail.quotes import extract_new_text


def test_english_gmail_reply_header_and_angle_quotes_are_removed():
    text = (
        "Thanks, resetting the password worked.\n\n"
        "On Wed, Mar 20, 2024 at 4:00 PM Support <support@example.com> wrote:\n"
        "> Please reset your password.\n> Support team\n"
    )
    assert extract_new_text(text, "en") == "Thanks, resetting the password worked."


def test_english_reply_header_wrapped_over_two_lines_is_removed():
    text = (
        "Works now, thank you!\n\nOn Wed, Mar 20, 2024 at 4:00 PM Klient Support <\n"
        "support@example.com> wrote:\n\n> Try again please.\n"
    )
    assert extract_new_text(text) == "Works now, thank you!"


def test_english_outlook_original_message_block_is_removed():
    text = (
        "Please cancel the order.\n\n-----Original Message-----\n"
        "From: Support <support@example.com>\nSent: Monday, March 4, 2024 9:00 AM\n"
        "To: Bob\nSubject: Your order\n\nYour order has shipped.\n"
    )
    assert extract_new_text(text) == "Please cancel the order."


def test_signature_after_dash_dash_space_is_removed():
    text = "Thanks, it works.\n\n-- \nSean O'Brien\nCustomer Inc.\n"
    assert extract_new_text(text) == "Thanks, it works."


def test_french_le_a_ecrit_header_is_removed():
    text = (
        "Bonjour,\n\nJe n'ai toujours pas reçu le remboursement.\n\nCordialement,\nHélène\n\n"
        "Le mar. 5 mars 2024 à 14:20, Service client <aide@example.com> a écrit :\n"
        "> Votre remboursement est en cours.\n"
    )
    result = extract_new_text(text, "fr")
    assert result.endswith("Cordialement,\nHélène")
    assert "remboursement est en cours" not in result


def test_french_outlook_de_envoye_block_is_removed():
    text = (
        "Le montant est faux, merci de corriger.\n\n"
        "________________________________\n"
        "De : Service client <aide@example.com>\nEnvoyé : lundi 4 mars 2024 10:00\n"
        "À : François\nObjet : Votre commande\n\nVotre commande a été expédiée.\n"
    )
    assert extract_new_text(text, "fr") == "Le montant est faux, merci de corriger."


def test_french_message_d_origine_separator_is_removed():
    text = "Merci.\n\n-----Message d'origine-----\nDe : aide@example.com\nAutre texte\n"
    assert extract_new_text(text) == "Merci."


def test_polish_w_dniu_pisze_header_is_removed():
    text = (
        "Dzień dobry,\n\nprzesyłka nadal nie dotarła.\n\nPozdrawiam\nŁukasz\n\n"
        "W dniu 12.03.2024 o 10:15, Obsługa Klienta <pomoc@example.com> pisze:\n"
        "> Przesyłka została nadana.\n"
    )
    result = extract_new_text(text, "pl")
    assert result.startswith("Dzień dobry,")
    assert result.endswith("Łukasz")
    assert "nadana" not in result


def test_polish_outlook_od_wyslano_block_and_original_separator_are_removed():
    block = (
        "Od: Księgowość <faktury@example.com>\nWysłano: poniedziałek, 4 marca 2024 09:00\n"
        "Do: Małgorzata\nTemat: Faktura\n\nW załączeniu faktura.\n"
    )
    assert extract_new_text("Proszę o korektę faktury.\n\n" + block) == (
        "Proszę o korektę faktury."
    )
    text = "Proszę o korektę.\n\n-----Oryginalna wiadomość-----\n" + block
    assert extract_new_text(text, "pl") == "Proszę o korektę."


def test_german_am_schrieb_header_is_removed():
    text = (
        "Hallo,\n\ndas Etikett fehlt immer noch.\n\nGrüße\nJürgen\n\n"
        "Am 05.03.2024 um 14:20 schrieb Kundendienst <hilfe@example.com>:\n"
        "> Wir senden Ihnen ein Etikett.\n"
    )
    result = extract_new_text(text, "de")
    assert result.endswith("Grüße\nJürgen")
    assert "Wir senden" not in result


def test_german_outlook_urspruengliche_nachricht_and_von_gesendet_are_removed():
    text = (
        "Können Sie mir bitte ein Rücksendeetikett schicken?\n\n"
        "-----Ursprüngliche Nachricht-----\nVon: Kundendienst <hilfe@example.com>\n"
        "Gesendet: Montag, 4. März 2024 11:00\nAn: Jürgen\nBetreff: Rücksendung\n\nBitte Portal.\n"
    )
    assert extract_new_text(text, "de") == "Können Sie mir bitte ein Rücksendeetikett schicken?"
    text2 = "Danke!\n\nVon: Kundendienst <hilfe@example.com>\nGesendet: Montag\n\nAlt.\n"
    assert extract_new_text(text2) == "Danke!"


def test_ukrainian_pyshe_header_is_removed():
    text = (
        "Добрий день!\n\nМоє замовлення досі не доставлено.\n\nЗ повагою,\nОлена\n\n"
        "12 березня 2024 р. о 10:15 Служба підтримки <help@example.com> пише:\n"
        "> Посилку відправлено.\n"
    )
    result = extract_new_text(text, "uk")
    assert result.endswith("З повагою,\nОлена")
    assert "Посилку відправлено" not in result


def test_ukrainian_napysav_header_and_vid_nadislano_block_are_removed():
    text = (
        "Дякую, все працює.\n\n"
        "пн, 4 бер. 2024 р. о 09:00 Підтримка <h@example.com> написав(ла):\n> Спробуйте ще раз.\n"
    )
    assert extract_new_text(text, "uk") == "Дякую, все працює."
    text2 = (
        "Прошу скасувати підписку.\n\nВід: Підтримка <help@example.com>\n"
        "Надіслано: 1 березня 2024 р. 9:00\nКому: Тарас\nТема: Підписка\n\nПодовжено.\n"
    )
    assert extract_new_text(text2, "uk") == "Прошу скасувати підписку."


def test_wrote_verb_inside_a_sentence_is_not_a_quote_header():
    text = "Я написав(ла) вам учора, але відповіді ще немає.\nБудь ласка, зателефонуйте мені."
    assert extract_new_text(text) == text


def test_inline_answers_keep_the_customers_blocks_without_the_quoted_lines_between():
    text = "> Which order?\nOrder 8812.\n> Which address?\nMain Street 1.\n"
    assert extract_new_text(text) == "Order 8812.\nMain Street 1."


def test_mobile_footer_at_the_end_is_removed():
    assert extract_new_text("Sure, thanks.\n\nSent from my iPhone\n") == "Sure, thanks."
    assert extract_new_text("Merci.\n\nEnvoyé de mon iPhone") == "Merci."


@pytest.mark.parametrize(
    "text",
    [
        "> only a quote\n> nothing else\n",
        "On Mon, Mar 4, 2024 Bob <b@example.com> wrote:\n> hi\n",
        "-- \nJust a signature\n",
    ],
)
def test_nothing_of_the_customers_own_gives_an_empty_new_text(text):
    # The thread then shows the whole original (Message.shown_text falls back to body_text).
    assert extract_new_text(text) == ""


def test_plain_text_without_quotes_is_returned_stripped_and_empty_stays_empty():
    assert extract_new_text("  Hello there.\r\n") == "Hello there."
    assert extract_new_text("") == ""
