"""Ingest benchmark: messages/second and peak memory through `klient import-mail` and
through the SMTP listener, on SQLite and PostgreSQL, plus the stdlib's parse rates on the
same corpus. Verifies that no message is lost or duplicated.

import-mail runs pinned to one core (taskset -c 0). The SMTP run starts `klient serve`
(embedded: listener, worker and web in one process) and sends from two client threads;
its rate counts from the first message sent until the last one is stored; the run then
waits until the event outbox is empty (acknowledgements, SLA clocks, live pages) and
reports when that was.

    .venv/bin/python bench/ingest.py                  # 10,000 messages, everything
    .venv/bin/python bench/ingest.py --count 2000 --db sqlite --path import
    .venv/bin/python bench/ingest.py --db sqlite --path import --compare-with /tmp/before \
        --repeat 3        # this tree and another checkout, alternating, on the same corpus

A tree's code is run by putting its `src` first on PYTHONPATH (the venv's editable install
points at one checkout); BENCH_VENV names the venv (default: this tree's .venv).

Each Klient run is a child process with its own data directory (and, on PostgreSQL, its
own database)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("BENCH_VENV", ROOT / ".venv")) / "bin"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
TEAM = "support@shop.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reference_loop_seconds() -> float:
    """Seconds a fixed pure-Python loop takes on core 0, measured just before a run: the
    shared machines this runs on vary by up to 2x in speed from hour to hour (1.8 s on a
    quiet one), so a rate is only comparable with its reference time beside it."""
    out = subprocess.run(
        pinned(
            [
                sys.executable,
                "-c",
                "import time\nt = time.perf_counter()\nx = 0\n"
                "for i in range(20_000_000):\n    x += i\n"
                "print(time.perf_counter() - t)",
            ]
        ),
        check=True,
        capture_output=True,
        text=True,
    )
    return round(float(out.stdout), 2)


def pinned(cmd: list[str]) -> list[str]:
    return (["taskset", "-c", "0", *cmd]) if shutil.which("taskset") else cmd


class Site:
    """A fresh Klient installation: data dir + database."""

    def __init__(self, db: str, tree: Path = ROOT) -> None:
        self.db = db
        self.dir = Path(tempfile.mkdtemp(prefix=f"klient-bench-{db}-"))
        self.env = {**os.environ, "KLIENT_DATA_DIR": str(self.dir), "KLIENT_LOG_LEVEL": "WARNING"}
        self.env["PYTHONPATH"] = str(tree / "src")
        self.env.pop("DATABASE_URL", None)
        self.pg_name = f"klient_bench_{os.getpid()}"
        if db == "postgres":
            subprocess.run(
                ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {self.pg_name}"],
                check=True,
            )
            subprocess.run(
                ["psql", f"{PG_URL}/postgres", "-qc", f"CREATE DATABASE {self.pg_name}"], check=True
            )
            self.env["DATABASE_URL"] = f"{PG_URL}/{self.pg_name}"
        self.klient("migrate")
        self.klient("team", "add", "Support", "--address", TEAM)

    def klient(self, *args: str) -> str:
        out = subprocess.run(
            [str(BIN / "klient"), *args], env=self.env, check=True, capture_output=True, text=True
        )
        return out.stdout

    def query(self, sql: str) -> list[tuple]:
        if self.db == "sqlite":
            with sqlite3.connect(self.dir / "klient.sqlite3") as conn:
                return list(conn.execute(sql))
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            return list(conn.execute(sql))

    def close(self) -> None:
        if self.db == "postgres":
            subprocess.run(
                ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {self.pg_name}"],
                check=False,
            )
        # Removed when the benchmark ends: on ext4, creating files in the half-minute after
        # tens of thousands were deleted costs several times the system time (the inode
        # allocator skips recently deleted inodes), which would slow the next run.
        LEFT_BEHIND.append(self.dir)


LEFT_BEHIND: list[Path] = []


def verify(site: Site, messages: list[corpus.CorpusMessage]) -> dict:
    expected_ok = sum(not m.malformed for m in messages)
    expected_bad = len(messages) - expected_ok
    states = dict(site.query("SELECT state, COUNT(*) FROM mail_inboundmail GROUP BY state"))
    stored = site.query(
        "SELECT COUNT(*), COUNT(DISTINCT message_id) FROM conversations_message "
        "WHERE kind = 'inbound'"
    )[0]
    result = {
        "inbound_rows": sum(states.values()),
        "done": states.get("done", 0),
        "quarantined": states.get("quarantined", 0),
        "messages_stored": stored[0],
        "distinct_message_ids": stored[1],
    }
    result["lost"] = expected_ok - stored[1]
    result["duplicated"] = stored[0] - stored[1]
    result["ok"] = (
        result["lost"] == 0 and result["duplicated"] == 0 and result["quarantined"] == expected_bad
    )
    return result


def threading_report(site: Site, messages: list[corpus.CorpusMessage]) -> dict:
    """Where the corpus's follow-ups landed: the share on their case's conversation (the
    one its first stored message is in, after merges), overall and by link type; new
    cases wrongly joined to another; and automatic replies left in agents' queues as
    conversations of their own (conversations of only auto-replies and bounces that are
    not kept apart as automatic)."""
    conversation_of = dict(
        site.query("SELECT message_id, conversation_id FROM conversations_message")
    )
    has_automatic = True
    try:
        rows = site.query("SELECT id, merged_into_id, automatic FROM conversations_conversation")
    except Exception:  # a database from before automatic conversations
        has_automatic = False
        old = site.query("SELECT id, merged_into_id FROM conversations_conversation")
        rows = [(pk, into, False) for pk, into in old]
    merged_into = {pk: into for pk, into, _ in rows}
    automatic = {pk for pk, _, auto in rows if auto}

    def survivor(pk: int) -> int:
        for _ in range(50):
            if merged_into.get(pk) is None:
                return pk
            pk = merged_into[pk]
        return pk

    case_conversation: dict[str, int] = {}
    latest_of_sender: dict[str, int] = {}
    owner: dict[int, str] = {}
    right: dict[str, list[int]] = {}

    def count(link: str, ok: bool) -> None:
        tally = right.setdefault(link, [0, 0])
        tally[0] += ok
        tally[1] += 1

    for m in messages:
        pk = conversation_of.get(m.message_id) if not m.malformed else None
        if pk is None:
            continue
        pk = survivor(pk)
        sender = m.thread.rpartition("/")[0]
        if m.link == "robot":
            count("robot kept apart", pk in automatic)
        elif m.link == "auto-reply":
            # Right on the sender's latest case; with none stored, kept apart.
            expected = latest_of_sender.get(sender)
            count(m.link, pk == expected if expected is not None else pk in automatic)
        elif m.thread not in case_conversation:
            case_conversation[m.thread] = pk
            count("new case", pk not in owner)
            owner.setdefault(pk, m.thread)
        else:
            count(m.link, pk == case_conversation[m.thread])
        if not m.automatic:
            latest_of_sender[sender] = case_conversation[m.thread]
    follow_ups = [t for link, t in right.items() if link not in ("new case", "robot kept apart")]
    ok, total = sum(t[0] for t in follow_ups), sum(t[1] for t in follow_ups)
    robots_alone = site.query(
        "SELECT COUNT(*) FROM conversations_conversation c WHERE merged_into_id IS NULL "
        + ("AND NOT automatic " if has_automatic else "")
        + "AND NOT EXISTS (SELECT 1 FROM conversations_message m WHERE m.conversation_id = c.id "
        "AND NOT m.is_auto_reply AND NOT m.is_bounce)"
    )[0][0]
    return {
        "threading_right_pct": round(100 * ok / max(1, total), 2),
        "threading_by_link": {
            link: f"{t[0]}/{t[1]} ({100 * t[0] / max(1, t[1]):.1f} %)" for link, t in right.items()
        },
        "automatic_conversations_in_agents_queues": robots_alone,
    }


def run_import(db: str, messages: list[corpus.CorpusMessage], tree: Path = ROOT) -> dict:
    site = Site(db, tree)
    try:
        folder = site.dir / "corpus"
        folder.mkdir()
        for i, m in enumerate(messages):
            (folder / f"{i:06d}.eml").write_bytes(m.raw)
        klient = [str(BIN / "klient")]
        if os.environ.get("BENCH_PROFILE"):  # a cProfile of the import, for looking into it
            klient = [str(BIN / "python"), "-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
            klient.append(str(BIN / "klient"))
        cmd = pinned([*klient, "import-mail", str(folder), "--no-progress"])
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out = proc.stdout.read().decode() if proc.stdout else ""
        err = proc.stderr.read().decode() if proc.stderr else ""
        if status != 0:
            raise SystemExit(f"import-mail failed: {err}")
        return {
            "path": "import-mail",
            "tree": str(tree),
            "db": db,
            "messages": len(messages),
            "seconds": round(elapsed, 2),
            "rate": round(len(messages) / elapsed, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            # CPU seconds per 1,000 messages (user + system, start-up included): steadier
            # than the rate on a shared machine, for comparing changes.
            "cpu_s_per_1000": round(
                (usage.ru_utime + usage.ru_stime) * 1000 / max(1, len(messages)), 2
            ),
            "cpu_user_s": round(usage.ru_utime, 2),
            "cpu_sys_s": round(usage.ru_stime, 2),
            "summary": out.strip(),
            **verify(site, messages),
            **threading_report(site, messages),
        }
    finally:
        site.close()


def run_smtp(
    db: str, messages: list[corpus.CorpusMessage], topology: str, clients: int = 2
) -> dict:
    site = Site(db)
    web, smtp = free_port(), free_port()
    # Not pinned: embedded mode is one process (the GIL keeps its Python work on one core at
    # a time); the SMTP clients of this script run on the other core. The production
    # topology is `serve --no-worker` plus one `klient worker` process (and Redis for the
    # task queue when REDIS_URL is set).
    serve = [str(BIN / "klient"), "serve", "--port", str(web), "--smtp-port", str(smtp)]
    processes = []
    if topology == "production":
        serve.append("--no-worker")
    server = subprocess.Popen(
        serve, env=site.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    processes.append(server)
    if topology == "production":
        processes.append(
            subprocess.Popen(
                [str(BIN / "klient"), "worker"],
                env=site.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", smtp), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        errors: list[str] = []

        def send(chunk: list[corpus.CorpusMessage]) -> None:
            with smtplib.SMTP("127.0.0.1", smtp, timeout=60) as client:
                for m in chunk:
                    try:
                        client.sendmail("sender@example.test", [TEAM], m.raw)
                    except smtplib.SMTPException as exc:
                        errors.append(str(exc))

        start = time.perf_counter()
        threads = [
            threading.Thread(target=send, args=(messages[i::clients],)) for i in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        accepted = time.perf_counter() - start
        total = len(messages)
        while True:
            finished = site.query(
                "SELECT COUNT(*) FROM mail_inboundmail WHERE state IN ('done', 'quarantined')"
            )[0][0]
            if finished >= total or time.perf_counter() - start > 1800:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        # The mail is stored; its events' handlers (acknowledgements, SLA clocks, live
        # pages) may still be queued in the outbox. How many, and how long until none is.
        outbox_at_stored = pending_events(site)
        while pending_events(site) and time.perf_counter() - start < 1800:
            time.sleep(0.2)
        outbox_drained = time.perf_counter() - start
        hwm = max(peak_rss_kb(p.pid) for p in processes)
        result = {
            "path": "smtp",
            "db": db,
            "topology": topology,
            "messages": total,
            "smtp_errors": len(errors),
            "accept_seconds": round(accepted, 2),
            "accept_rate": round(total / accepted, 1),
            "seconds": round(elapsed, 2),
            "rate": round(total / elapsed, 1),
            "peak_rss_mb": round(hwm / 1024, 1),
            "outbox_events_when_stored": outbox_at_stored,
            "outbox_drained_seconds": round(outbox_drained, 2),
            **verify(site, messages),
            **threading_report(site, messages),
        }
    finally:
        stop_seconds = stop(processes)
        site.close()
    # SIGTERM to exit, per process (serve, then worker): a deploy waits this long.
    result["stop_seconds"] = stop_seconds
    return result


def stop(processes: list[subprocess.Popen], grace: float = 60.0) -> list[float | str]:
    """SIGTERM every process; seconds until each exited, or "killed" after `grace`."""
    for p in processes:
        p.terminate()
    start = time.perf_counter()
    took: list[float | str] = []
    for p in processes:
        try:
            p.wait(timeout=max(0.1, grace - (time.perf_counter() - start)))
            took.append(round(time.perf_counter() - start, 2))
        except subprocess.TimeoutExpired:
            print(f"pid {p.pid} ({p.args}) still running {grace} s after SIGTERM", file=sys.stderr)
            p.kill()
            p.wait()
            took.append("killed")
    return took


def pending_events(site: Site) -> int:
    return int(site.query("SELECT COUNT(*) FROM core_pendingevent")[0][0])


def peak_rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))


def stdlib_rates(messages: list[corpus.CorpusMessage]) -> dict:
    raws = [m.raw for m in messages]
    start = time.perf_counter()
    for raw in raws:
        message_from_bytes(raw)
    compat = len(raws) / (time.perf_counter() - start)
    start = time.perf_counter()
    for raw in raws:
        msg = message_from_bytes(raw, policy=policy.default)
        _ = (str(msg["subject"]), str(msg["from"]), str(msg["to"]), str(msg["message-id"]))
        body = msg.get_body(("plain", "html"))
        if body is not None:
            with contextlib.suppress(LookupError, ValueError):
                body.get_content()
    default = len(raws) / (time.perf_counter() - start)
    result: dict[str, object] = {
        "stdlib_compat32_rate": round(compat),
        "stdlib_policy_default_rate": round(default),
    }
    try:
        sys.path.insert(0, str(ROOT / "src"))
        from klient.mail.classify import classify
        from klient.mail.language import detect_language
        from klient.mail.parsing import MailParseError, parse
        from klient.mail.quotes import extract_new_text
        from klient.mail.sanitize import sanitize_html

        start = time.perf_counter()
        for raw in raws:
            with contextlib.suppress(MailParseError):
                parse(raw)
        result["klient_parse_rate"] = round(len(raws) / (time.perf_counter() - start))
        start = time.perf_counter()
        for raw in raws:
            try:
                p = parse(raw)
            except MailParseError:
                continue
            classify(p)
            lang = detect_language(p.text)
            extract_new_text(p.text, lang)
            if p.html:
                sanitize_html(p.html)
        result["klient_full_pipeline_no_db_rate"] = round(len(raws) / (time.perf_counter() - start))
    except ImportError as exc:
        result["klient_parse"] = f"unavailable: {exc}"
    return result


def print_comparison(results: list[dict]) -> None:
    """Per tree and database: every import rate and CPU s / 1,000 messages, and the median."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in results:
        if r.get("path") == "import-mail":
            groups.setdefault((r["tree"], r["db"]), []).append(r)
    for (tree, db), rows in groups.items():
        rates = sorted(r["rate"] for r in rows)
        cpu = sorted(r["cpu_s_per_1000"] for r in rows)
        print(
            f"import-mail {db} {tree}: rates {[r['rate'] for r in rows]} msg/s "
            f"(median {rates[len(rates) // 2]}), CPU s/1000 {[r['cpu_s_per_1000'] for r in rows]} "
            f"(median {cpu[len(cpu) // 2]})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--path", choices=["import", "smtp", "both", "none"], default="both")
    parser.add_argument(
        "--topology",
        choices=["embedded", "production", "both"],
        default="both",
        help="SMTP runs: one `klient serve` process, or `serve --no-worker` + `klient worker`",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--compare-with",
        type=Path,
        metavar="TREE",
        help="another checkout: its import-mail runs alternate with this tree's, back to back",
    )
    parser.add_argument("--repeat", type=int, default=1, help="import runs per tree")
    args = parser.parse_args()
    messages = list(corpus.generate(args.count))
    size = sum(len(m.raw) for m in messages) / len(messages)
    print(
        f"corpus: {len(messages)} messages, mean {size:.0f} bytes, "
        f"{sum(m.malformed for m in messages)} malformed; machine: {os.cpu_count()} cores"
    )
    results = [stdlib_rates(messages)]
    print(json.dumps(results[0]) if args.json else results[0])
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    paths = (
        ["import", "smtp"] if args.path == "both" else [] if args.path == "none" else [args.path]
    )
    topologies = ["embedded", "production"] if args.topology == "both" else [args.topology]
    runs = [
        (db, path, topology)
        for db in dbs
        for path in paths
        for topology in (topologies if path == "smtp" else ["embedded"])
    ]
    trees = [ROOT] + ([args.compare_with.resolve()] if args.compare_with else [])
    for db, path, topology in runs:
        for _ in range(args.repeat if path == "import" else 1):
            for tree in trees if path == "import" else [ROOT]:
                reference = reference_loop_seconds()
                result = (
                    run_import(db, messages, tree)
                    if path == "import"
                    else run_smtp(db, messages, topology)
                )
                result["reference_loop_s"] = reference
                results.append(result)
                print(json.dumps(result, ensure_ascii=False) if args.json else result, flush=True)
    print_comparison(results)
    for folder in LEFT_BEHIND:
        shutil.rmtree(folder, ignore_errors=True)
    if not all(r.get("ok", True) for r in results):
        raise SystemExit("messages were lost or duplicated")


if __name__ == "__main__":
    main()
