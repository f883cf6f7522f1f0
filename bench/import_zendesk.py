"""Zendesk import benchmark: tickets per minute through `klient import zendesk`, from the
written fixture export (tests/importers/make_zendesk_export.py: comments, private notes,
attachments, inline images, custom fields, malformed lines), on SQLite and PostgreSQL.
Verifies the counts against what the generator says the export holds.

    .venv/bin/python bench/import_zendesk.py                 # 2,000 tickets, both databases
    .venv/bin/python bench/import_zendesk.py --count 500 --db sqlite

Each run is a child process with its own data directory (and, on PostgreSQL, its own
database), pinned to one core (taskset -c 0) when taskset exists. The rate counts the
import command from start to exit (Django's start-up included), and the import's own
time as its report gives it."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "importers"))
from make_zendesk_export import write_export  # noqa: E402

BIN = Path(os.environ.get("BENCH_VENV", ROOT / ".venv")) / "bin"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def pinned(command: list[str]) -> list[str]:
    return ["taskset", "-c", "0", *command] if shutil.which("taskset") else command


def klient(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        pinned([str(BIN / "python"), "-m", "klient.cli", *args]),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def run(db: str, export: Path, expected_tickets: int) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="bench-zendesk-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klient.settings",
        "KLIENT_DATA_DIR": str(data),
        "PYTHONPATH": str(ROOT / "src"),
    }
    database = ""
    if db == "postgresql":
        database = f"bench_zendesk_{os.getpid()}"
        subprocess.run(
            ["psql", PG_URL + "/postgres", "-qc", f"CREATE DATABASE {database}"], check=True
        )
        env["DATABASE_URL"] = f"{PG_URL}/{database}"
    try:
        klient(env, "migrate")
        klient(env, "team", "add", "Support", "--address", "support@shop.example")
        klient(env, "agent", "add", "anna@shop.example", "--name", "Anna", "--team", "Support")
        started = time.perf_counter()
        out = klient(env, "import", "zendesk", str(export), "--no-progress").stdout
        wall = time.perf_counter() - started
    finally:
        shutil.rmtree(data, ignore_errors=True)
        if database:
            subprocess.run(
                ["psql", PG_URL + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"],
                check=False,
            )
    tickets = int(re.search(r"^\s*ticket\s+(\d+)", out, re.MULTILINE)[1])  # type: ignore[index]
    inside = float(re.search(r", ([\d.]+) s$", out.splitlines()[0])[1])  # type: ignore[index]
    assert tickets == expected_tickets, out
    return {"tickets": tickets, "wall": wall, "import": inside}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zendesk-export-") as tmp:
        export = Path(tmp) / "export"
        expected = write_export(export, args.count)
        print(
            f"export: {args.count} tickets, {expected.counts['comment']} comments, "
            f"{expected.counts['attachment']} attachments, {expected.counts['user']} users"
        )
        for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
            r = run(db, export, expected.counts["ticket"])
            print(
                f"{db:<10} {r['tickets']} tickets: command {r['wall']:.1f} s "
                f"({r['tickets'] / r['wall'] * 60:,.0f} tickets/min), import itself "
                f"{r['import']:.1f} s ({r['tickets'] / r['import'] * 60:,.0f} tickets/min)"
            )


if __name__ == "__main__":
    main()
