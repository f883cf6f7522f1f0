"""Reply extraction on the hand-written replies of tests/mail/labelled/replies/.

    .venv/bin/python bench/mail_accuracy.py replies [--part all|held-out|rules]
    .venv/bin/python bench/mail_accuracy_replies.py [--part ...]

Prints, per language and per client: replies whose new text is exactly the expected one (after
normalising line endings, trailing spaces and runs of blank lines), replies that kept a quoted
line (a "-" line of the labelled set that starts with ">" or belongs to an attribution or a
header block), replies that kept a device footer, and the time per message in microseconds.
The labelled set's format is described in its README.md; `load()` is shared with
tests/mail/test_quotes_labelled.py.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
LABELLED = HERE.parent / "tests" / "mail" / "labelled" / "replies"
LANGUAGES = ("fr", "pl", "de", "uk", "en")

# The device footers of the labelled set, to count "footer kept" independently of the rules.
_FOOTER = re.compile(
    r"^(?:Sent from|Sent with|Get Outlook|Envoyé (?:de|depuis|avec)|Obtenir Outlook|"
    r"Obtenez Outlook|Von meinem|Gesendet mit|Outlook für|Von Yahoo|Wysłane z|Wysłano za|"
    r"Pobierz|Надіслано з|Отримати Outlook)",
)


class Reply(NamedTuple):
    language: str
    client: str
    form: str
    held_out: bool
    raw: str
    expected: str
    dropped: tuple[str, ...]  # the raw lines that must not be kept (non-blank)
    where: str  # file:line of the item's header


def normalise(text: str) -> str:
    """Line endings, trailing spaces and runs of blank lines do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def load(part: str = "all") -> list[Reply]:
    """The labelled replies of every language; ``part`` is all, held-out or rules."""
    replies: list[Reply] = []
    for language in LANGUAGES:
        for held_out, name in ((False, f"{language}.txt"), (True, f"{language}.held-out.txt")):
            if (part == "held-out" and not held_out) or (part == "rules" and held_out):
                continue
            replies.extend(_parse(LABELLED / name, language, held_out))
    return replies


def _parse(path: Path, language: str, held_out: bool) -> list[Reply]:
    items: list[Reply] = []
    header: tuple[str, str, int] | None = None
    body: list[str] = []

    def close() -> None:
        if header is None:
            return
        raw = "\n".join(line[1:] for line in body)
        kept = "\n".join(line[1:] for line in body if line[0] == "+")
        dropped = tuple(line[1:].strip() for line in body if line[0] == "-" and line[1:].strip())
        client, form, number = header
        items.append(
            Reply(
                language,
                client,
                form,
                held_out,
                raw,
                normalise(kept),
                dropped,
                f"{path.name}:{number}",
            )
        )

    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith("### "):
            close()
            client, _, form = line[4:].strip().partition(" ")
            header, body = (client, form, number), []
        elif not line or line.startswith("#"):
            continue
        elif line[0] in "+-":
            body.append(line)
        else:
            raise ValueError(f"{path.name}:{number}: a line must start with + or -")
    close()
    return items


def per_message_us(extract, texts: list[tuple[str, str]], repeats: int = 7) -> float:
    """The best of ``repeats`` passes over ``texts`` (the machine is shared: the minimum is
    the figure least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for raw, language in texts:
            extract(raw, language)
        best = min(best, time.perf_counter() - started)
    return best / len(texts) * 1e6


def run(part: str) -> None:
    sys.path.insert(0, str(HERE.parent / "src"))
    from klient.mail.quotes import extract_new_text

    replies = load(part)
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_client: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    misses: list[str] = []
    for reply in replies:
        got = normalise(extract_new_text(reply.raw, reply.language))
        exact = got == reply.expected
        got_lines = {line.strip() for line in got.split("\n")}
        wanted = {line.strip() for line in reply.expected.split("\n")}
        kept = [line for line in reply.dropped if line in got_lines and line not in wanted]
        quote_kept = any(not _FOOTER.match(line) for line in kept)
        footer_kept = any(_FOOTER.match(line) for line in kept)
        for row in (by_language[reply.language], by_client[reply.client]):
            row[0] += 1
            row[1] += exact
            row[2] += quote_kept
            row[3] += footer_kept
        if not exact:
            misses.append(f"  {reply.where} {reply.client} {reply.form}")
    print(f"{'':<16}{'replies':>8}{'exact':>8}{'rate':>8}{'quote kept':>12}{'footer kept':>13}")
    for title, table in (("language", by_language), ("client", by_client)):
        print(f"-- per {title}")
        for key in sorted(table):
            total, exact, quoted, footer = table[key]
            print(f"{key:<16}{total:>8}{exact:>8}{exact / total:>8.1%}{quoted:>12}{footer:>13}")
    total = sum(row[0] for row in by_language.values())
    exact = sum(row[1] for row in by_language.values())
    print(f"{'all':<16}{total:>8}{exact:>8}{exact / max(total, 1):>8.1%}")
    texts = [(reply.raw, reply.language) for reply in replies]
    print(f"time: {per_message_us(extract_new_text, texts):.1f} µs per message (best of 7)")
    if misses:
        print("not exact:")
        print("\n".join(misses))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "held-out", "rules"), default="all")
    run(parser.parse_args().part)
