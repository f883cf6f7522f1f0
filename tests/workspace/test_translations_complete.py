"""The whole UI speaks French, Polish, German and Ukrainian: every message of every catalog
is translated (none empty, none fuzzy), keeps its placeholders and HTML, passes GNU msgfmt's
format check, and no UI string of the code is missing from the catalogs. The pages an agent
and a customer use every day read in Polish and in Ukrainian."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from klient.core.compile_messages import PoEntry, compile_file, parse_po

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PACKAGE_DIR = LOCALE_DIR.parent
TRANSLATED = ("fr", "pl", "de", "uk")
PLURAL_FORMS = {"fr": 2, "pl": 3, "de": 2, "uk": 3}
# What a translation must carry over unchanged: Python placeholders (named or not, with
# flags such as %(m)02d), template placeholders ({{ customer.name }}, {name}) and HTML tags.
# A lone "%" followed by a space ("% of a target") is plain text, not a placeholder.
KEPT = re.compile(
    r"%\(\w+\)[#0+-]?\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\{\s*[\w.]+\s*\}\}|\{\w+\}|</?[a-z][^>]*>"
)


def catalog(language: str) -> list[PoEntry]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    return parse_po(path.read_text(encoding="utf-8"), str(path))[1:]


def label(entry: PoEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs():
    """The .mo files are build products (git-ignored): compile any that are stale, then let
    Django reload its translation catalogs."""
    stale = [
        po
        for po in LOCALE_DIR.rglob("*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    for po in stale:
        compile_file(po)
    if stale:
        with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
            pass  # setting_changed clears Django's translation caches


# --- the catalogs ----------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_message_is_left_empty_or_fuzzy(language):
    entries = catalog(language)

    untranslated = [label(e) for e in entries if not e.translated]
    fuzzy = [label(e) for e in entries if e.fuzzy]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_messages_fill_every_plural_form_of_the_language(language):
    for entry in catalog(language):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == list(range(PLURAL_FORMS[language])), label(entry)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_and_html_of_the_english(language):
    wrong = []
    for entry in catalog(language):
        for index, text in entry.msgstr.items():
            english = entry.msgid if index == 0 or entry.msgid_plural is None else None
            english = english if english is not None else entry.msgid_plural
            if sorted(KEPT.findall(text)) != sorted(KEPT.findall(english or "")):
                wrong.append((label(entry), index, text))

    assert wrong == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
@pytest.mark.parametrize("language", TRANSLATED)
def test_gnu_msgfmt_accepts_the_catalog_with_its_format_checks(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"

    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_every_ui_string_of_the_code_is_in_every_catalog(tmp_path, monkeypatch):
    """What `makemessages` extracts today is what the catalogs hold: a string wrapped for
    translation but never translated fails here. It runs on a scratch copy of the package,
    so neither the catalogs nor the source tree are touched."""
    copy = tmp_path / "src"
    shutil.copytree(
        PACKAGE_DIR,
        copy / PACKAGE_DIR.name,
        ignore=shutil.ignore_patterns("locale", "static", "__pycache__"),
    )
    extracted_dir = tmp_path / "extracted"
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[extracted_dir]):
        call_command("makemessages", locale=["fr"], keep_pot=True, verbosity=0)
    extracted = {
        (e.msgctxt, e.msgid)
        for e in parse_po((extracted_dir / "django.pot").read_text(encoding="utf-8"))[1:]
    }
    assert len(extracted) > 400

    for language in TRANSLATED:
        held = {(e.msgctxt, e.msgid) for e in catalog(language)}
        assert sorted(extracted - held, key=str) == [], language


# --- the pages, in Polish and in Ukrainian ---------------------------------------------


def page(client: Client, url: str, language: str) -> str:
    response = client.get(url, headers={"accept-language": f"{language},en;q=0.5"})
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    return html


def assert_reads(html: str, *texts: str) -> None:
    missing = [text for text in texts if text not in html]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Widoki skrzynki odbiorczej", "Filtry", "Przypisz do mnie", "Skróty klawiszowe"]),
        ("uk", ["Подання вхідних", "Фільтри", "Призначити мені", "Клавіатурні скорочення"]),
    ],
)
def test_the_inbox_reads_in_the_agents_language(
    anna_client, support_team, receive, language, texts
):
    receive(support_team, "k.wisniewska@poczta.example", "Faktura VAT", "Proszę o fakturę.")

    assert_reads(page(anna_client, reverse("workspace:inbox"), language), *texts)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "pl",
            ["Współpracownicy", "Zapytaj współpracownika", "Wyślij pytanie", "Tagi", "Dodaj"],
        ),
        ("uk", ["Колеги", "Запитати колегу", "Надіслати запитання", "Теги", "Додати"]),
    ],
)
def test_the_conversation_page_reads_in_the_agents_language(
    anna_client, support_team, receive, language, texts
):
    message = receive(support_team, "tom.baker@example.com", "Lost my phone", "Block my SIM.")
    url = reverse("workspace:conversation", args=[message.conversation.reference])

    assert_reads(page(anna_client, url, language), *texts)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["<h1>Powiadomienia</h1>", "Wszystkie", "Nie ma jeszcze powiadomień."]),
        ("uk", ["<h1>Сповіщення</h1>", "Усі", "Сповіщень ще немає."]),
    ],
)
def test_the_notifications_page_reads_in_the_agents_language(anna_client, language, texts):
    assert_reads(page(anna_client, reverse("notifications:list"), language), *texts)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Zgodność z SLA", "Pokaż", "Pobierz CSV"]),
        ("uk", ["Дотримання SLA", "Показати", "Завантажити CSV"]),
    ],
)
def test_the_reports_page_reads_in_the_agents_language(admin_zofia, language, texts):
    client = Client()
    client.force_login(admin_zofia)

    assert_reads(page(client, reverse("reports:dashboard"), language), *texts)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Szablony odpowiedzi", "Nowy szablon odpowiedzi"]),
        ("uk", ["Шаблони відповідей", "Новий шаблон відповіді"]),
    ],
)
def test_the_saved_replies_page_reads_in_the_agents_language(anna_client, language, texts):
    assert_reads(page(anna_client, reverse("macros:list"), language), *texts)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Baza wiedzy", "Nowy artykuł"]),
        ("uk", ["База знань", "Нова стаття"]),
    ],
)
def test_the_knowledge_base_reads_in_the_agents_language(anna_client, language, texts):
    assert_reads(page(anna_client, reverse("knowledge:list"), language), *texts)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Centrum pomocy", "Śledź swoje zgłoszenia", "Wyślij mi link do logowania"]),
        ("uk", ["Центр допомоги", "Стежте за своїми зверненнями", "Надіслати посилання для входу"]),
    ],
)
def test_the_portal_sign_in_page_reads_in_the_customers_language(db, language, texts):
    assert_reads(page(Client(), reverse("portal:index"), language), *texts)
