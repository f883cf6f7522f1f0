"""Dates as each language writes them: Klient's quick formatter gives what Django's would."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.template.defaultfilters import date as django_date
from django.utils import translation
from django.utils.translation import pgettext

from klient.workspace.templatetags.workspace_i18n import _format, _tokens, when


@pytest.mark.parametrize("language", ["en", "fr", "pl", "de", "uk"])
def test_every_month_in_every_language_reads_as_django_writes_it(language):
    with translation.override(language):
        for month in range(1, 13):
            moment = datetime(2026, month, 7, 9, 5)
            for style, context, default in (
                ("short", "date format without year", "j M, H:i"),
                ("long", "date format with year", "j M Y, H:i"),
            ):
                fmt = pgettext(context, default)
                assert _tokens(fmt) is not None  # the quick path, not Django's
                assert when(moment, style) == django_date(moment, fmt)


def test_a_format_with_other_letters_goes_to_django():
    moment = datetime(2026, 3, 29, 14, 30)
    for fmt in ("D j M, H:i", r"j \\d\\e M", "l, jS F Y g:i a"):
        assert _format(moment, fmt, "en") == django_date(moment, fmt)
