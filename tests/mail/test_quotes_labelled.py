"""The hand-written labelled replies (tests/mail/labelled/replies/): the new text is exact for
at least 98 % of the replies of every language, on the whole set and on its held-out part, and
no reply keeps a quoted line or a device footer. An accuracy assertion, not a timed one."""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from pathlib import Path

import pytest

from klient.mail.quotes import extract_new_text

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mail_accuracy_replies.py"


def _labelled():
    spec = importlib.util.spec_from_file_location("mail_accuracy_replies", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


labelled = _labelled()


def test_the_set_holds_at_least_100_replies_per_language_and_a_held_out_part():
    counts = defaultdict(int)
    held_out = defaultdict(int)
    for reply in labelled.load("all"):
        counts[reply.language] += 1
        held_out[reply.language] += reply.held_out
    assert set(counts) == set(labelled.LANGUAGES)
    assert all(count >= 100 for count in counts.values()), counts
    assert all(count >= 20 for count in held_out.values()), held_out


@pytest.mark.parametrize("part", ["all", "held-out"])
def test_new_text_is_exact_for_98_percent_of_replies_in_every_language(part):
    exact = defaultdict(int)
    total = defaultdict(int)
    misses = []
    for reply in labelled.load(part):
        got = labelled.normalise(extract_new_text(reply.raw, reply.language))
        total[reply.language] += 1
        if got == reply.expected:
            exact[reply.language] += 1
        else:
            misses.append(reply.where)
    rates = {language: exact[language] / total[language] for language in total}
    assert all(rate >= 0.98 for rate in rates.values()), (rates, misses)


def test_no_reply_keeps_a_quoted_line_or_a_device_footer():
    for reply in labelled.load("all"):
        got = {line.strip() for line in extract_new_text(reply.raw, reply.language).split("\n")}
        wanted = {line.strip() for line in reply.expected.split("\n")}
        kept = [line for line in reply.dropped if line in got and line not in wanted]
        assert not kept, (reply.where, kept)
