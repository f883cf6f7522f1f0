"""The workspace speaks English, French, Polish, German and Ukrainian: the agent's choice from
the header's selector, else the browser's Accept-Language; dates in the agent's time zone,
written as each language writes them. Every .po entry is translated and compiles."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from klient.conversations.models import Conversation
from klient.core.compile_messages import compile_all, compile_file, parse_po

INBOX = reverse("workspace:inbox")
SIGN_IN = reverse("workspace:login")
SET_LANGUAGE = reverse("workspace:set_language")
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ("fr", "pl", "de", "uk")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs():
    """The .mo files are build products (git-ignored). `make` compiles them; compile them
    here too if a fresh checkout has none, then let Django reload its catalogs."""
    stale = [
        po
        for po in LOCALE_DIR.rglob("*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        for po in stale:
            compile_file(po)
        with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
            pass  # setting_changed clears Django's translation caches on enter and exit


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- by Accept-Language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Sign in to Klient", "Sign in"),
        ("fr", "Connexion à Klient", "Se connecter"),
        ("pl", "Zaloguj się do systemu Klient", "Zaloguj się"),
        ("de", "Bei Klient anmelden", "Anmelden"),
        ("uk", "Вхід до Klient", "Увійти"),
    ],
)
def test_the_sign_in_page_speaks_the_browsers_language(db, language, heading, button):
    html = page(Client().get(SIGN_IN, headers={"accept-language": f"{language},en;q=0.5"}))

    assert f'<html lang="{language}"' in html
    assert f"<h1>{heading}</h1>" in html
    assert f'class="button-primary">{button}</button>' in html


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("en-GB,en;q=0.9", ["Inbox", "Unassigned", "Unanswered for", "New", "Normal"]),
        ("fr-FR,fr;q=0.9", ["Boîte de réception", "Non attribuée", "Sans réponse depuis"]),
        ("pl-PL,pl;q=0.9,en;q=0.5", ["Skrzynka odbiorcza", "Nieprzypisana", "Bez odpowiedzi"]),
        ("de-AT,de;q=0.9", ["Posteingang", "Nicht zugewiesen", "Ohne Antwort", "Neu"]),
        ("uk-UA,uk;q=0.9,ru;q=0.5", ["Вхідні", "Не призначено", "Без відповіді", "Нова"]),
    ],
)
def test_the_inbox_speaks_the_browsers_language(
    anna_client, support_team, receive, accept_language, expected
):
    receive(support_team, "k.wisniewska@poczta.example", "Błąd karty SIM", "Od dwóch dni")

    html = page(anna_client.get(INBOX, headers={"accept-language": accept_language}))

    for text in expected:
        assert text in html


def test_an_unknown_browser_language_gets_english(anna_client):
    html = page(anna_client.get(INBOX, headers={"accept-language": "ja,zh;q=0.8"}))

    assert '<html lang="en"' in html
    assert "<h1>Inbox</h1>" in html


# --- the agent's choice ----------------------------------------------------------------


def test_the_header_offers_every_language_and_marks_the_current_one(anna_client):
    html = page(anna_client.get(INBOX, headers={"accept-language": "pl"}))

    assert f'action="{SET_LANGUAGE}"' in html
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in html
        assert f">{name}</option>" in html
    assert '<option value="pl" lang="pl" selected>' in html


def test_the_language_selector_switches_and_sticks_over_the_browsers_language(anna_client):
    german_browser = {"accept-language": "de-DE,de;q=0.9"}
    assert "Posteingang" in page(anna_client.get(INBOX, headers=german_browser))

    response = anna_client.post(
        SET_LANGUAGE, {"language": "uk", "next": INBOX}, headers=german_browser
    )

    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    for _ in range(2):
        html = page(anna_client.get(INBOX, headers=german_browser))
        assert '<html lang="uk"' in html
        assert "<h1>Вхідні</h1>" in html
        assert '<option value="uk" lang="uk" selected>' in html


def test_the_language_choice_is_offered_before_signing_in_and_kept_after(db, agent_anna):
    client = Client()
    client.post(SET_LANGUAGE, {"language": "pl", "next": SIGN_IN})
    assert "Zaloguj się do systemu Klient" in page(client.get(SIGN_IN))

    client.force_login(agent_anna)

    assert "Skrzynka odbiorcza" in page(client.get(INBOX))


def test_an_unknown_language_choice_changes_nothing(anna_client):
    response = anna_client.post(SET_LANGUAGE, {"language": "xx", "next": INBOX})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "<h1>Inbox</h1>" in page(anna_client.get(INBOX))


# --- the conversation page -------------------------------------------------------------


def test_a_conversation_page_in_german_shows_german_labels(anna_client, support_team, receive):
    message = receive(
        support_team, "tom.baker@example.com", "Lost my phone", "Please block my SIM."
    )
    url = reverse("workspace:conversation", args=[message.conversation.reference])

    html = page(anna_client.get(url, headers={"accept-language": "de"}))

    for text in [
        "Dem Kunden antworten",
        "An tom.baker@example.com",
        "Antwort senden",
        "Danach Status setzen auf",
        "(unverändert)",
        "Interne Notiz",
        "Notiz hinzufügen",
        "Zuständig",
        "Priorität",
        "Speichern",
        "Verlauf",
        "Konversation eröffnet",
        "Nachricht empfangen",
        '<span class="muted">— Kunde</span>',
        "Original anzeigen",
        '<option value="pending">Wartet auf Kunden</option>',
        '<option value="urgent">Dringend</option>',
    ]:
        assert text in html, text


def test_an_action_refusal_reads_in_the_agents_language(anna_client, support_team, receive):
    message = receive(support_team, "tom.baker@example.com", "Lost my phone", "Help")
    url = reverse("workspace:reply", args=[message.conversation.reference])

    response = anna_client.post(url, {"body": "   "}, headers={"accept-language": "pl"})

    assert response.status_code == 400
    assert "Wiadomość jest pusta." in response.content.decode()


def test_a_flash_message_reads_in_the_agents_language(anna_client, support_team, receive):
    message = receive(support_team, "tom.baker@example.com", "Lost my phone", "Help")
    url = reverse("workspace:note", args=[message.conversation.reference])

    response = anna_client.post(
        url, {"body": "Called back."}, headers={"accept-language": "uk"}, follow=True
    )

    assert "Нотатку додано." in page(response)


# --- dates: the agent's time zone, the language's way of writing them -----------------


@pytest.mark.parametrize(
    ("language", "time_zone", "written"),
    [
        ("en", "Europe/Warsaw", "5 Nov, 14:30"),
        ("fr", "Europe/Paris", "5 nov. à 14:30"),
        ("pl", "Europe/Warsaw", "5 lis, 14:30"),
        ("de", "Europe/Berlin", "5. Nov., 14:30"),
        ("uk", "Europe/Kyiv", "5 лис, 15:30"),
        ("en", "America/New_York", "5 Nov, 08:30"),
    ],
)
def test_the_inbox_writes_times_in_the_agents_zone_and_language(
    anna_client, agent_anna, support_team, receive, language, time_zone, written
):
    message = receive(support_team, "tom.baker@example.com", "Lost my phone", "Help")
    Conversation.objects.filter(pk=message.conversation_id).update(
        updated_at=datetime(2025, 11, 5, 13, 30, tzinfo=UTC)
    )
    agent_anna.agent.time_zone = time_zone
    agent_anna.agent.save(update_fields=["time_zone"])

    html = page(anna_client.get(INBOX + "?status=all", headers={"accept-language": language}))

    assert f'title="{translation_of(language, "Last activity")}">{written}</time>' in html


def test_the_conversation_page_writes_message_times_with_the_year(
    anna_client, support_team, receive
):
    message = receive(
        support_team,
        "k.wisniewska@poczta.example",
        "Faktura",
        "Proszę o fakturę",
        received_at=datetime(2025, 3, 5, 9, 5, tzinfo=UTC),
    )
    message.conversation.messages.update(created_at=datetime(2025, 3, 5, 9, 5, tzinfo=UTC))
    url = reverse("workspace:conversation", args=[message.conversation.reference])

    polish = page(anna_client.get(url, headers={"accept-language": "pl"}))
    ukrainian = page(anna_client.get(url, headers={"accept-language": "uk"}))

    assert ">5 marca 2025, 10:05</time>" in polish  # Warsaw, CET
    assert ">5 березня 2025 р., 10:05</time>" in ukrainian


def translation_of(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


# --- the catalogs ----------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_of_the_catalog_is_translated_and_none_is_fuzzy(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    entries = parse_po(path.read_text(encoding="utf-8"), str(path))
    header, messages = entries[0], entries[1:]

    assert header.msgid == ""
    assert f"Language: {language}\n" in header.msgstr[0]
    assert len(messages) > 100
    for entry in entries:
        label = (entry.msgctxt, entry.msgid)
        assert not entry.fuzzy, label
        assert not entry.obsolete, label
        assert entry.translated, label
    for entry in messages:
        for text in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [
        ("fr", "nplurals=2; plural=(n > 1);"),
        ("de", "nplurals=2; plural=(n != 1);"),
        (
            "pl",
            "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
            "? 1 : 2);",
        ),
        (
            "uk",
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<10 || n%100>=20) ? 1 : 2);",
        ),
    ],
)
def test_each_catalog_declares_its_languages_plural_forms(language, plural_forms):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    header = parse_po(path.read_text(encoding="utf-8"))[0].msgstr[0]

    assert f"Plural-Forms: {plural_forms}\n" in header


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_in_place_and_used_at_run_time(language):
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").exists()
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    entries = parse_po(path.read_text(encoding="utf-8"))[1:]

    with translation.override(language):
        for entry in entries:
            if entry.msgctxt is None:
                assert translation.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
            else:
                got = translation.pgettext(entry.msgctxt, entry.msgid)
                assert got == entry.msgstr[0], entry.msgid


def test_the_polish_and_ukrainian_plural_rules_pick_three_forms(tmp_path):
    for language in ("pl", "uk"):
        shutil.copy(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", tmp_path / "a.po")
        with compile_file(tmp_path / "a.po").open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)
        forms = [catalog.plural(n) for n in (1, 2, 4, 5, 11, 12, 21, 22, 25, 112)]
        expected = [0, 1, 1, 2, 2, 2, 2 if language == "pl" else 0, 1, 2, 2]
        assert forms == expected, language


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
def test_the_pure_python_compiler_agrees_with_gnu_msgfmt(tmp_path):
    for language in TRANSLATED:
        folder = tmp_path / language
        folder.mkdir()
        shutil.copy(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", folder / "django.po")
        [ours] = compile_all(folder)
        gnu = folder / "gnu.mo"
        subprocess.run(["msgfmt", "-o", str(gnu), str(folder / "django.po")], check=True)

        with ours.open("rb") as a, gnu.open("rb") as b:
            mine, theirs = gettext.GNUTranslations(a)._catalog, gettext.GNUTranslations(b)._catalog
        mine.pop(""), theirs.pop("")  # headers: msgfmt drops POT-Creation-Date
        assert mine == theirs, language


def test_the_compiler_leaves_out_fuzzy_and_untranslated_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Inbox"\nmsgstr "Posteingang"\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "Abmelden?"\n\n'
        'msgid "Save"\nmsgstr ""\n\n'
        'msgctxt "inbox tab"\nmsgid "Open"\nmsgstr "Offen"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Weg"\n',
        encoding="utf-8",
    )

    with compile_file(po).open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)

    assert catalog.gettext("Inbox") == "Posteingang"
    assert catalog.gettext("Sign out") == "Sign out"
    assert catalog.gettext("Save") == "Save"
    assert catalog.pgettext("inbox tab", "Open") == "Offen"
    assert catalog.gettext("Gone") == "Gone"
