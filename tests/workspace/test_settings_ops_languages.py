"""The mailbox, request form and quarantine settings pages read in the administrator's
language (every string is in the catalogs: tests/workspace/test_translations_complete.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

PAGES = {
    "ops_settings:mailboxes": {
        "fr": "Boîtes IMAP",
        "pl": "Dodaj skrzynkę",
        "de": "Postfach hinzufügen",
        "uk": "Додати скриньку",
    },
    "ops_settings:mailbox_new": {
        "fr": "Tester la connexion",
        "pl": "Sprawdź połączenie",
        "de": "Verbindung testen",
        "uk": "Перевірити з’єднання",
    },
    "form_settings:forms": {
        "fr": "Nouveau formulaire de demande",
        "pl": "Nowy formularz zgłoszenia",
        "de": "Neues Anfrageformular",
        "uk": "Нова форма запиту",
    },
    "form_settings:form_new": {
        "fr": "Enregistrer le formulaire",
        "pl": "Zapisz formularz",
        "de": "Formular speichern",
        "uk": "Зберегти форму",
    },
    "ops_settings:quarantine": {
        "fr": "Rien n’est en quarantaine.",
        "pl": "Nic nie jest w kwarantannie.",
        "de": "Nichts ist in Quarantäne.",
        "uk": "У карантині нічого немає.",
    },
}


@pytest.mark.parametrize("language", ["fr", "pl", "de", "uk"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_settings_pages_read_in_the_administrators_language(admin_zofia, name, language):
    client = Client()
    client.force_login(admin_zofia)

    response = client.get(reverse(name), headers={"accept-language": language})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert PAGES[name][language] in html
