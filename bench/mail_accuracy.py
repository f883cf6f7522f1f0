"""Mail reading accuracy on the hand-written labelled sets in tests/mail/labelled/.

    .venv/bin/python bench/mail_accuracy.py [--part all|held-out|rules] [SECTION ...]

SECTION is replies, automatic or threading (all three when none is given).

Each section is its own module beside this one (bench/mail_accuracy_<section>.py, with a
`run(part: str) -> None` that prints its figures): new text exact per language and client,
automatic-reply precision and recall per language, threading accuracy by link type. The
labelled sets keep a held-out part that no rule was written from; `--part held-out` reports
on it alone, `--part rules` on the part the rules were written from.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = ("replies", "automatic", "threading")


def load(section: str):
    path = HERE / f"mail_accuracy_{section}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"mail_accuracy_{section}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION")
    parser.add_argument("--part", choices=("all", "held-out", "rules"), default="all")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent / "src"))
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}; choose from {SECTIONS}")
    for section in args.sections or SECTIONS:
        module = load(section)
        if module is None:
            print(f"== {section}: no labelled set yet (bench/mail_accuracy_{section}.py)")
            continue
        print(f"== {section} ({args.part})")
        module.run(args.part)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
