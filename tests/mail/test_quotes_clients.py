"""extract_new_text() per client format and interface language: top-posted, bottom-posted and
inline replies, forwards, wrapped attributions, footers, signatures and near misses."""

from __future__ import annotations

import pytest

from klient.mail.quotes import extract_new_text


def test_a_bottom_posted_gmail_reply_with_an_attribution_wrapped_after_the_angle_bracket():
    # Issue 13: the address broken after "<" used to survive, and the quote with it.
    text = (
        "Am Di., 12. März 2024 um 11:50 Uhr schrieb Lena Fischer <\n"
        "lena.fischer@kundendienst.example>:\n"
        "> Bitte schicken Sie uns die Seriennummer.\n"
        "\n"
        "Die Seriennummer ist SN-4471.\n"
        "Gruß, Jonas\n"
    )
    assert extract_new_text(text, "de") == "Die Seriennummer ist SN-4471.\nGruß, Jonas"


def test_apple_mail_polish_attribution_top_posted_and_inside_an_ios_quote():
    mac = (
        "Dziękuję, dotarło.\n\n"
        "Wiadomość napisana przez Obsługa <pomoc@sklep.example> w dniu 12.03.2024, o godz. 11:50:\n"
        "\n> Paczka wyszła dziś.\n"
    )
    assert extract_new_text(mac, "pl") == "Dziękuję, dotarło."
    ios = (
        "Zgoda.\n\nWysłane z iPhone'a\n\n"
        "> Wiadomość napisana przez Obsługa <pomoc@sklep.example> w dniu 12.03.2024, o godz.\n"
        "> 11:50:\n>\n> Czy termin pasuje?\n"
    )
    assert extract_new_text(ios, "pl") == "Zgoda."


def test_w_dniu_dzisiejszym_pisze_above_quoted_lines_is_an_attribution():
    text = (
        "Proszę o fakturę VAT.\n\n"
        "W dniu dzisiejszym Obsługa Klienta <pomoc@sklep.example> pisze:\n"
        "> Dziękujemy za zakup.\n"
    )
    assert extract_new_text(text, "pl") == "Proszę o fakturę VAT."


@pytest.mark.parametrize(
    ("language", "attribution"),
    [
        ("en", "On Tue, Mar 12, 2024 at 11:50 AM Care <care@shop.example> wrote:"),
        ("fr", "Le mar. 12 mars 2024 à 11:50, Service <aide@shop.example> a écrit :"),
        ("de", "Am Di., 12. März 2024 um 11:50 Uhr schrieb Service <hilfe@shop.example>:"),
        ("pl", "wt., 12 mar 2024 o 11:50 Obsługa <pomoc@shop.example> napisał(a):"),
        ("uk", "вт, 12 бер. 2024 р. о 11:50 Підтримка <help@shop.example> пише:"),
        ("en", "On 12/03/2024 11:50, Klient Support wrote:"),
        ("fr", "Le 12/03/2024 à 11:50, Support a écrit :"),
        ("de", "Am 12.03.24 um 11:50 schrieb Support:"),
        ("pl", "W dniu 12.03.2024 o 11:50, Wsparcie pisze:"),
        ("uk", "12.03.24 11:50, Підтримка пише:"),
        ("pl", "Dnia 12 marca 2024 11:50 Obsługa <pomoc@shop.example> napisał(a):"),
        ("uk", '12 березня 2024, 11:50:00, від "Підтримка" <help@shop.example>:'),
    ],
)
def test_gmail_thunderbird_and_webmail_attributions_in_each_language(language, attribution):
    top = f"Merci / Danke / Dziękuję / Дякую.\n\n{attribution}\n> Old text.\n>> Older text.\n"
    assert extract_new_text(top, language) == "Merci / Danke / Dziękuję / Дякую."
    bottom = f"{attribution}\n> Old text.\n\nMy answer.\n"
    assert extract_new_text(bottom, language) == "My answer."


@pytest.mark.parametrize(
    ("language", "header"),
    [
        ("en", "From: Care <care@shop.example>\nSent: Tuesday, March 12, 2024 11:50 AM\nTo: Ann"),
        ("fr", "De : Service <aide@shop.example>\nEnvoyé : mardi 12 mars 2024 11:50\nÀ : Anne"),
        ("de", "Von: Service <hilfe@shop.example>\nGesendet: Dienstag, 12. März 2024 11:50"),
        ("pl", "Od: Obsługa <pomoc@shop.example>\nWysłano: wtorek, 12 marca 2024 11:50"),
        ("uk", "Від: Підтримка <help@shop.example>\nНадіслано: вівторок, 12 березня 2024 р."),
        ("de", 'Gesendet: Dienstag, 12. März 2024 um 11:50 Uhr\nVon: "Service" <s@shop.example>'),
        ("uk", 'Від кого: "Підтримка" <help@shop.example>\nДата: 12 березня 2024, 11:50:00'),
    ],
)
def test_outlook_gmx_and_ukrnet_header_blocks_end_the_new_text(language, header):
    text = f"Please call me.\n\n________________________________\n{header}\n\nOld text.\n"
    assert extract_new_text(text, language) == "Please call me."


@pytest.mark.parametrize(
    "separator",
    [
        "---------- Forwarded message ---------",
        "-------- Message transféré --------",
        "-------- Weitergeleitete Nachricht --------",
        "-------- Przekazana wiadomość --------",
        "--- Переслане повідомлення ---",
        "-------- Original message --------",
        "------- Original Message -------",
        "Message du 12/03/24 11:50",
    ],
)
def test_a_forward_keeps_only_the_note_above_the_forwarded_header(separator):
    text = f"Is this really from you?\n\n{separator}\nFrom: Shop <x@shop.example>\n\nPay now.\n"
    assert extract_new_text(text) == "Is this really from you?"


def test_a_forward_without_a_note_has_no_new_text():
    text = "---------- Forwarded message ---------\nFrom: Shop <x@shop.example>\n\nPay now.\n"
    assert extract_new_text(text) == ""


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Envoyé de mon iPad",
        "Wysłane z iPhone'a",
        "Von meinem iPhone gesendet",
        "Надіслано з iPhone",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Obtenir Outlook pour Android",
        "Pobierz aplikację Outlook dla systemu iOS",
        "Von meinem/meiner Galaxy gesendet",
        "Gesendet mit der WEB.DE Mail App",
        "Envoyé depuis l'application Mail Orange",
        "Sent with Proton Mail secure email.",
        "Sent from Yahoo Mail on Android",
        "Надіслано з мобільної пошти ukr.net",
    ],
)
def test_device_footers_are_never_kept_above_or_below(footer):
    assert extract_new_text(f"Fine, thanks.\n\n{footer}\n\n> Old.\n") == "Fine, thanks."
    assert extract_new_text(f"> Old.\n\nFine, thanks.\n\n{footer}\n") == "Fine, thanks."


def test_a_sentence_that_starts_like_a_footer_is_kept():
    text = "Sent from my office yesterday. Nobody answered.\nPlease call."
    assert extract_new_text(text) == text


@pytest.mark.parametrize(
    "prose",
    [
        "Le 3 mars, votre conseillère m'a écrit :\nle colis partirait lundi. Rien.",
        "Am Montag, den 4. März, schrieb ich:\n1. Paket kaputt\n2. Geld zurück",
        "W poniedziałek 4 marca o 10:30 konsultant napisał:\nże zwrot będzie szybko.",
        "У понеділок, 4 березня, я написав:\nщо посилка пошкоджена.",
        "On March 3 at 10:30 your agent wrote:\nthat the refund was on its way.",
    ],
)
def test_prose_with_a_date_and_wrote_but_no_quote_after_it_is_the_customers(prose):
    assert extract_new_text(prose) == prose


def test_a_corporate_disclaimer_below_the_sign_off_is_dropped():
    text = (
        "Please send the revised quote.\nRegards,\nFrank\n\n"
        "Diese E-Mail enthält vertrauliche Informationen und ist nur für den Adressaten bestimmt.\n"
    )
    assert extract_new_text(text, "de") == "Please send the revised quote.\nRegards,\nFrank"


def test_a_paragraph_that_only_opens_like_a_disclaimer_is_kept():
    text = "Hello,\n\nThis message is urgent: the heating is off.\n"
    assert extract_new_text(text) == "Hello,\n\nThis message is urgent: the heating is off."


def test_yahoo_attribution_without_quote_marks_ends_the_new_text():
    text = (
        "Got it.\n\n"
        "On Tuesday, March 12, 2024 at 11:50:10 AM GMT, Care <care@shop.example> wrote:\n\n"
        "Your parcel has shipped.\n"
    )
    assert extract_new_text(text) == "Got it."


def test_inline_answers_in_a_thunderbird_reply_keep_their_order_and_the_sign_off():
    text = (
        "On 11/03/2024 09:12, Klient Support wrote:\n"
        "> 1. Which version?\n3.2.1.\n> 2. Which system?\nDebian 12.\n>\n> Regards\n\n"
        "Thanks,\nStephen\n-- \nStephen Hall, +44 20 0000 0000\n"
    )
    assert extract_new_text(text) == "3.2.1.\nDebian 12.\n\nThanks,\nStephen"


@pytest.mark.parametrize(
    "attribution",
    [
        "On 12/03/2024 11:50, Klient Support wrote:",
        "Le 12/03/2024 à 11:50, Support Klient a écrit :",
        "Am 12.03.24 um 11:50 schrieb Klient Support:",
        "W dniu 12.03.2024 o 11:50, Wsparcie Klient pisze:",
        "12.03.2024 11:50, Klient Support пише:",
    ],
)
def test_a_thunderbird_html_reply_made_plain_text_ends_at_its_attribution(attribution):
    # HTML-only mail: the blockquote lost its ">" marks when it was made plain text.
    text = f"Yes, that address is right.\n\n{attribution}\nPlease confirm your address.\n"
    assert extract_new_text(text) == "Yes, that address is right."


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from Mail for Windows",
        "Envoyé à partir de Courrier pour Windows",
        "Gesendet von Mail für Windows",
        "Wysłane z aplikacji Poczta dla Windows",
        "Надіслано з пошти для Windows",
    ],
)
def test_windows_mail_footers_above_an_outlook_header_are_dropped(footer):
    text = (
        f"Invoice attached.\n\n{footer}\n\nFrom: Billing <billing@klient.example>\n"
        "Sent: Tuesday, March 12, 2024 11:50 AM\nTo: Henry\nSubject: Invoice\n"
    )
    assert extract_new_text(text) == "Invoice attached."


@pytest.mark.parametrize(
    "text",
    [
        "My trip, for the refund:\nFrom: London\nTo: Paris\nDate: 12 March 2024\nThanks.",
        "Urlop:\nOd: 12.03.2024\nDo: 20.03.2024\nProszę wstrzymać dostawy.",
        "Billet :\nDe : Lyon\nÀ : Marseille\nDate : 12/03/2024",
    ],
)
def test_a_customers_own_from_to_lines_are_not_a_header_block(text):
    assert extract_new_text(text) == text


def test_a_paragraph_that_says_intended_is_not_a_disclaimer_unless_for_sole_recipients():
    text = "Hello,\n\nThis email is intended as a formal complaint about order 4471.\n"
    assert extract_new_text(text) == text.strip()


@pytest.mark.parametrize(
    "opening",
    [
        "Begin forwarded message:",
        "Début du message réexpédié :",
        "Anfang der weitergeleiteten Nachricht:",
        "Początek przekazywanej wiadomości:",
        "Початок пересланого листа:",
    ],
)
def test_an_apple_mail_forward_keeps_only_the_note(opening):
    ios = f"Not mine!\n\nSent from my iPhone\n\n{opening}\n\n> From: Shop <x@shop.example>\n"
    assert extract_new_text(ios) == "Not mine!"
    mac = f"Not mine!\n\n{opening}\n\nFrom: Shop <x@shop.example>\nSubject: Order\n\nPaid.\n"
    assert extract_new_text(mac) == "Not mine!"
