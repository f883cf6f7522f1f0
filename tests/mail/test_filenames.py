"""normalise_filename() and is_dangerous_extension()."""

from __future__ import annotations

import pytest

from klient.mail.filenames import is_dangerous_extension, normalise_filename


def test_rtl_override_and_zero_width_characters_are_removed():
    assert normalise_filename("fa\u200bcture\u202efdp.exe") == "facturefdp.exe"
    assert normalise_filename("\ufeffre\u2066port\u2069\u2060.pdf") == "report.pdf"


def test_control_characters_are_removed():
    assert normalise_filename("in\x00voi\x1bce\x7f.pdf") == "invoice.pdf"


def test_nfkc_folds_compatibility_characters():
    assert normalise_filename("ｉｎｖｏｉｃｅ.pdf") == "invoice.pdf"
    assert normalise_filename("e\u0301te\u0301.txt") == "été.txt"


def test_path_components_and_leading_dots_are_stripped():
    assert normalise_filename("../../etc/passwd") == "passwd"
    assert normalise_filename("C:\\Users\\bob\\evil.bat") == "evil.bat"
    assert normalise_filename(".htaccess") == "htaccess"
    assert normalise_filename("\uff0e\uff0e\uff0fsecret.txt") == "secret.txt"


def test_whitespace_is_collapsed_and_trimmed():
    assert normalise_filename("  my \t  scan\n 01 .pdf ") == "my scan 01 .pdf"


def test_long_names_are_capped_at_200_characters_keeping_the_extension():
    name = normalise_filename("a" * 500 + ".pdf")
    assert len(name) == 200
    assert name.endswith("a.pdf")


@pytest.mark.parametrize("empty", ["", "   ", "...", "\u200b\u202e", "/", "../.."])
def test_empty_results_fall_back_to_attachment(empty):
    assert normalise_filename(empty) == "attachment"


@pytest.mark.parametrize(
    "name", ["setup.exe", "run.JS", "page.html", "logo.svg", "x.bat", "s.scr", "fa\u202efdp.exe"]
)
def test_executable_or_renderable_extensions_are_dangerous(name):
    assert is_dangerous_extension(name)


@pytest.mark.parametrize("name", ["invoice.pdf", "photo.jpg", "notes.txt", "exe", "archive.zip"])
def test_documents_are_not_dangerous(name):
    assert not is_dangerous_extension(name)
