"""Conversation intelligence (issue 17) measured on the hand-labelled sets: the tone
guard, the promise tracker and customer sentiment.

    .venv/bin/python bench/insights.py [SECTION ...]

SECTION is tone, promises or sentiment (all three when none is given). Each is its own
module beside this one (bench/insights_<section>.py, with a `main()` that prints precision
and recall per language and category on the held-out part, and the latency or throughput
figures its targets name); this script runs them one after the other in one process.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = ("tone", "promises", "sentiment")


def load(section: str):
    path = HERE / f"insights_{section}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"insights_{section}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=", ".join(SECTIONS))
    args = parser.parse_args()
    if unknown := [s for s in args.sections if s not in SECTIONS]:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    status = 0
    for section in args.sections or SECTIONS:
        module = load(section)
        print(f"== {section} ==", flush=True)
        if module is None:
            print(f"bench/insights_{section}.py is not there")
            status = 1
            continue
        saved, sys.argv = sys.argv, [f"insights_{section}.py"]
        try:
            module.main()
        finally:
            sys.argv = saved
    return status


if __name__ == "__main__":
    sys.exit(main())
