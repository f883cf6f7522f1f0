"""What the portal and the forms say to customers about their own request, written out in
the five languages (like mail/acknowledgement.py): validation errors, the promised answer
time and the sign-in confirmation. The surrounding page chrome goes through gettext."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "required": {
        "en": "This field is required.",
        "fr": "Ce champ est obligatoire.",
        "pl": "To pole jest wymagane.",
        "de": "Dieses Feld ist erforderlich.",
        "uk": "Це поле обов’язкове.",
    },
    "required_if": {
        "en": "This field is required when “{other}” is “{value}”.",
        "fr": "Ce champ est obligatoire lorsque « {other} » vaut « {value} ».",
        "pl": "To pole jest wymagane, gdy „{other}” to „{value}”.",
        "de": "Dieses Feld ist erforderlich, wenn „{other}“ „{value}“ ist.",
        "uk": "Це поле обов’язкове, якщо «{other}» — «{value}».",
    },
    "vat_invalid": {
        "en": "This is not a valid VAT number (PL, DE, FR, UA or GB).",
        "fr": "Ce numéro de TVA n’est pas valide (PL, DE, FR, UA ou GB).",
        "pl": "To nie jest prawidłowy numer VAT (PL, DE, FR, UA lub GB).",
        "de": "Das ist keine gültige USt-IdNr. (PL, DE, FR, UA oder GB).",
        "uk": "Це недійсний номер платника ПДВ (PL, DE, FR, UA або GB).",
    },
    "vat_unsupported_country": {
        "en": "We can check VAT numbers from PL, DE, FR, UA and GB only.",
        "fr": "Nous ne vérifions que les numéros de TVA de PL, DE, FR, UA et GB.",
        "pl": "Sprawdzamy tylko numery VAT z PL, DE, FR, UA i GB.",
        "de": "Wir prüfen nur USt-IdNr. aus PL, DE, FR, UA und GB.",
        "uk": "Ми перевіряємо лише номери ПДВ з PL, DE, FR, UA та GB.",
    },
    "email_invalid": {
        "en": "Enter a valid email address.",
        "fr": "Saisissez une adresse e-mail valide.",
        "pl": "Podaj prawidłowy adres e-mail.",
        "de": "Geben Sie eine gültige E-Mail-Adresse ein.",
        "uk": "Введіть дійсну адресу електронної пошти.",
    },
    "number_invalid": {
        "en": "Enter a number.",
        "fr": "Saisissez un nombre.",
        "pl": "Podaj liczbę.",
        "de": "Geben Sie eine Zahl ein.",
        "uk": "Введіть число.",
    },
    "date_invalid": {
        "en": "Enter a date (YYYY-MM-DD).",
        "fr": "Saisissez une date (AAAA-MM-JJ).",
        "pl": "Podaj datę (RRRR-MM-DD).",
        "de": "Geben Sie ein Datum ein (JJJJ-MM-TT).",
        "uk": "Введіть дату (РРРР-ММ-ДД).",
    },
    "choice_invalid": {
        "en": "Choose one of the options.",
        "fr": "Choisissez l’une des options.",
        "pl": "Wybierz jedną z opcji.",
        "de": "Wählen Sie eine der Optionen.",
        "uk": "Виберіть один із варіантів.",
    },
    "too_long": {
        "en": "This is too long.",
        "fr": "C’est trop long.",
        "pl": "To jest za długie.",
        "de": "Das ist zu lang.",
        "uk": "Це задовго.",
    },
    "file_too_large": {
        "en": "The file is larger than {size} MB.",
        "fr": "Le fichier dépasse {size} Mo.",
        "pl": "Plik jest większy niż {size} MB.",
        "de": "Die Datei ist größer als {size} MB.",
        "uk": "Файл більший за {size} МБ.",
    },
    "phone_invalid": {
        "en": "Enter a phone number we can call.",
        "fr": "Saisissez un numéro de téléphone auquel nous pouvons vous appeler.",
        "pl": "Podaj numer telefonu, pod który możemy zadzwonić.",
        "de": "Geben Sie eine Telefonnummer an, unter der wir Sie anrufen können.",
        "uk": "Введіть номер телефону, за яким ми можемо зателефонувати.",
    },
    "callback_window_invalid": {
        "en": "Give a day and a time window that ends after it starts.",
        "fr": "Indiquez un jour et une plage horaire qui se termine après son début.",
        "pl": "Podaj dzień i przedział godzin, który kończy się po swoim początku.",
        "de": "Geben Sie einen Tag und ein Zeitfenster an, das nach seinem Beginn endet.",
        "uk": "Вкажіть день і проміжок часу, який закінчується після свого початку.",
    },
    "too_fast": {
        "en": "That was very fast. Please check the form and send it again.",
        "fr": "C’était très rapide. Vérifiez le formulaire et envoyez-le à nouveau.",
        "pl": "To było bardzo szybko. Sprawdź formularz i wyślij go ponownie.",
        "de": "Das ging sehr schnell. Bitte prüfen Sie das Formular und senden Sie es erneut.",
        "uk": "Це було дуже швидко. Перевірте форму й надішліть її ще раз.",
    },
    "answer_by": {
        "en": "We will answer by {when}.",
        "fr": "Nous vous répondrons d’ici le {when}.",
        "pl": "Odpowiemy do {when}.",
        "de": "Wir antworten bis {when}.",
        "uk": "Ми відповімо до {when}.",
    },
    "link_sent": {
        "en": (
            "If this address belongs to one of our customers, we have just sent a sign-in "
            "link to it. It is valid for {minutes} minutes and works once."
        ),
        "fr": (
            "Si cette adresse appartient à l’un de nos clients, nous venons d’y envoyer un "
            "lien de connexion. Il est valable {minutes} minutes et ne sert qu’une fois."
        ),
        "pl": (
            "Jeśli ten adres należy do naszego klienta, właśnie wysłaliśmy na niego link do "
            "logowania. Jest ważny {minutes} minut i działa jeden raz."
        ),
        "de": (
            "Wenn diese Adresse einem unserer Kunden gehört, haben wir gerade einen "
            "Anmeldelink dorthin gesendet. Er ist {minutes} Minuten gültig und "
            "funktioniert einmal."
        ),
        "uk": (
            "Якщо ця адреса належить нашому клієнтові, ми щойно надіслали на неї посилання "
            "для входу. Воно дійсне {minutes} хвилин і працює один раз."
        ),
    },
    "submitted": {
        "en": (
            "Thank you. Your request is registered as {reference}; a person from our "
            "team will answer you by email."
        ),
        "fr": (
            "Merci. Votre demande est enregistrée sous la référence {reference} ; une "
            "personne de notre équipe vous répondra par e-mail."
        ),
        "pl": (
            "Dziękujemy. Zgłoszenie zarejestrowaliśmy pod numerem {reference}; odpowie na "
            "nie e-mailem osoba z naszego zespołu."
        ),
        "de": (
            "Vielen Dank. Ihre Anfrage ist unter {reference} erfasst; eine Person aus "
            "unserem Team antwortet Ihnen per E-Mail."
        ),
        "uk": (
            "Дякуємо. Ваш запит зареєстровано під номером {reference}; людина з нашої "
            "команди відповість вам електронною поштою."
        ),
    },
}


def text(key: str, language: str, **values: Any) -> str:
    by_language = TEXTS[key]
    return by_language.get(language, by_language["en"]).format(**values)
