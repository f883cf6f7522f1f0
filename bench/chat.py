"""Live chat benchmark, production setup: PostgreSQL, the Redis channel layer and two uvicorn
processes serving klient.asgi. Every chat has two sockets on one session (two tabs), one on
each process, so every message crosses the processes through Redis:

- the first tab sends `{"type": "send", "client_id", "text"}` and times the `ack`;
- the second tab times the `message` frame with that client_id (end to end: stored, seq
  assigned, published, delivered by the other process).

Phases at fixed offered rates (messages per second over all chats), then one as fast as the
acks allow (a window of outstanding messages per chat): received messages per second, the
latency median and 99th percentile, lost and doubled frames (both must be 0). Memory per
connection is the two servers' resident memory grown while the sockets open, divided by the
sockets. The widget's loader and app are measured gzip-compressed.

    python bench/chat.py [--chats 1000] [--rates 250,500] [--seconds 20] [--json]

The client runs on the same machine: its CPU use counts against the servers' (say so when
quoting figures)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
KLIENT = str(Path(sys.executable).with_name("klient"))
DB_NAME = "klient_bench_chat"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/10"
STATIC = ROOT / "src" / "klient" / "chat" / "static" / "chat"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gzip_size(path: Path) -> int | None:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) if path.exists() else None


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Servers:
    """Two uvicorn processes on one PostgreSQL database and one Redis channel layer."""

    def __init__(self) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="klient-bench-chat-")
        self.ports = [free_port(), free_port()]
        self.base = f"http://127.0.0.1:{self.ports[0]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": PG_URL,
            "REDIS_URL": REDIS_URL,
            "KLIENT_DATA_DIR": self.data_dir,
            "KLIENT_BASE_URL": self.base,
            "KLIENT_SECRET_KEY": "bench-chat-" + uuid.uuid4().hex,
            "PYTHONPATH": str(ROOT / "src"),
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def prepare(self) -> None:
        pg = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *pg, "--if-exists", DB_NAME], check=True)
        subprocess.run(["createdb", *pg, DB_NAME], check=True)
        subprocess.run(["redis-cli", "-n", "10", "flushdb"], check=True, capture_output=True)
        for command in (
            ["migrate"],
            ["team", "add", "Support", "--address", "support@bench.example"],
        ):
            subprocess.run([KLIENT, *command], env=self.env, check=True, capture_output=True)

    def start(self) -> None:
        for port in self.ports:
            command = [sys.executable, "-m", "uvicorn", "klient.asgi:application"]
            command += ["--port", str(port), "--log-level", "warning", "--lifespan", "off"]
            self.processes.append(subprocess.Popen(command, env=self.env))
        for port in self.ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"uvicorn on {port} did not start") from None
                    time.sleep(0.2)

    def rss_kb(self) -> int:
        return sum(rss_kb(p.pid) for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def new_session(base: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/chat/sessions",
        data=json.dumps({"team": "Support", "name": "Bench", "language": "en"}).encode(),
        headers={"Content-Type": "application/json", "Origin": base},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.load(answer)["session"])


class Chat:
    """One chat: the sending tab, the receiving tab, and what each has seen."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.sender: websockets.ClientConnection | None = None
        self.receiver: websockets.ClientConnection | None = None
        self.sent: dict[str, float] = {}  # client_id -> when sent
        self.acked: dict[str, float] = {}
        self.received: dict[str, float] = {}
        self.doubled = 0
        self.outstanding = 0
        self.wake = asyncio.Event()


async def connect(url: str, origin: str) -> websockets.ClientConnection:
    connection = await websockets.connect(url, origin=origin, max_queue=None, open_timeout=60)
    await connection.send(json.dumps({"type": "resume", "last_seq": 0}))
    return connection


async def read_frames(chat: Chat, connection: websockets.ClientConnection, role: str) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        await _read_frames(chat, connection, role)


async def _read_frames(chat: Chat, connection: websockets.ClientConnection, role: str) -> None:
    async for raw in connection:
        frame = json.loads(raw)
        now = time.perf_counter()
        client_id = frame.get("client_id")
        if role == "sender" and frame.get("type") == "ack":
            chat.acked.setdefault(client_id, now)
            chat.outstanding -= 1
            chat.wake.set()
        elif role == "receiver" and frame.get("type") == "message" and client_id:
            if client_id in chat.received:
                chat.doubled += 1
            else:
                chat.received[client_id] = now


async def run(args: argparse.Namespace) -> dict[str, object]:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    servers = Servers()
    servers.prepare()
    servers.start()
    results: dict[str, object] = {"chats": args.chats, "sockets": 2 * args.chats}
    try:
        loop = asyncio.get_running_loop()
        tokens = await asyncio.gather(
            *(loop.run_in_executor(None, new_session, servers.base) for _ in range(args.chats))
        )
        chats = [Chat(token) for token in tokens]
        progress(f"{len(chats)} sessions")
        rss_before = servers.rss_kb()
        ws = [f"ws://127.0.0.1:{port}/ws/chat/?session=" for port in servers.ports]
        opening = asyncio.Semaphore(100)

        async def open_chat(chat: Chat) -> None:
            async with opening:
                chat.sender = await connect(ws[0] + chat.token, servers.base)
                chat.receiver = await connect(ws[1] + chat.token, servers.base)

        await asyncio.gather(*(open_chat(chat) for chat in chats))
        progress(f"{2 * len(chats)} sockets open")
        readers = [
            asyncio.create_task(read_frames(chat, connection, role))
            for chat in chats
            for connection, role in ((chat.sender, "sender"), (chat.receiver, "receiver"))
            if connection is not None
        ]
        rss_after = servers.rss_kb()
        results["memory_per_connection_kb"] = round((rss_after - rss_before) / (2 * len(chats)), 1)

        closed = [0]

        async def send(chat: Chat) -> None:
            client_id = str(uuid.uuid4())
            chat.sent[client_id] = time.perf_counter()
            chat.outstanding += 1
            assert chat.sender is not None
            try:
                await chat.sender.send(
                    json.dumps(
                        {"type": "send", "client_id": client_id, "text": "Bench " + client_id}
                    )
                )
            except websockets.ConnectionClosed:
                closed[0] += 1  # counted as lost: the server dropped the socket

        async def settle(seconds: float) -> None:
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                if all(len(c.received) == len(c.sent) for c in chats):
                    return
                await asyncio.sleep(0.1)

        def phase_figures(name: str, since: float, until: float) -> dict[str, object]:
            ends, acks, lost = [], [], 0
            for chat in chats:
                for client_id, at in chat.sent.items():
                    if not since <= at < until:
                        continue
                    if client_id in chat.received:
                        ends.append((chat.received[client_id] - at) * 1000)
                    else:
                        lost += 1
                    if client_id in chat.acked:
                        acks.append((chat.acked[client_id] - at) * 1000)
            received = [
                r for c in chats for k, r in c.received.items() if since <= c.sent[k] < until
            ]
            span = (max(received) - since) if received else 1.0
            return {
                "phase": name,
                "sent": len(ends) + lost,
                "received_per_second": round(len(received) / span, 1),
                "end_to_end_ms_median": round(statistics.median(ends), 1) if ends else None,
                "end_to_end_ms_p99": round(percentile(ends, 0.99), 1) if ends else None,
                "ack_ms_median": round(statistics.median(acks), 1) if acks else None,
                "ack_ms_p99": round(percentile(acks, 0.99), 1) if acks else None,
                "lost": lost,
                "doubled": sum(c.doubled for c in chats),
            }

        phases = []
        for rate in args.rates:
            start = time.perf_counter()
            interval = 1.0 / rate
            count = int(rate * args.seconds)
            for n in range(count):
                due = start + n * interval
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await send(random.choice(chats))
            end = time.perf_counter()
            await settle(30)
            phases.append(phase_figures(f"offered {rate}/s", start, end))
            progress(str(phases[-1]))

        # As fast as it goes: every chat keeps `window` messages outstanding.
        start = time.perf_counter()
        stop_at = start + args.seconds

        async def flood(chat: Chat) -> None:
            while time.perf_counter() < stop_at:
                while chat.outstanding >= args.window and time.perf_counter() < stop_at:
                    chat.wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(chat.wake.wait(), stop_at - time.perf_counter())
                if time.perf_counter() >= stop_at:
                    break
                await send(chat)

        await asyncio.gather(*(flood(chat) for chat in chats))
        end = time.perf_counter()
        await settle(30)
        phases.append(phase_figures(f"saturated (window {args.window})", start, end))
        results["phases"] = phases
        results["sends_on_closed_sockets"] = closed[0]
        for task in readers:
            task.cancel()
        for chat in chats:
            for connection in (chat.sender, chat.receiver):
                if connection is not None:
                    await connection.close()
    finally:
        servers.stop()
    results["loader_gzip_bytes"] = gzip_size(STATIC / "loader.js")
    results["app_gzip_bytes"] = gzip_size(STATIC / "app.js")
    results["load_average"] = os.getloadavg()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--rates", default="250,500", help="offered messages/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--window", type=int, default=1, help="outstanding per chat, saturated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.rates = [int(r) for r in args.rates.split(",") if r]
    results = asyncio.run(run(args))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"chats {results['chats']}, sockets {results['sockets']}")
    print(f"memory per connection: {results['memory_per_connection_kb']} KB")
    for phase in results["phases"]:  # type: ignore[attr-defined]
        print(
            f"{phase['phase']}: {phase['received_per_second']} msg/s received, end to end "
            f"median {phase['end_to_end_ms_median']} ms p99 {phase['end_to_end_ms_p99']} ms, "
            f"ack median {phase['ack_ms_median']} ms p99 {phase['ack_ms_p99']} ms, "
            f"lost {phase['lost']}, doubled {phase['doubled']} (of {phase['sent']})"
        )
    print(f"sends on sockets the server had closed: {results['sends_on_closed_sockets']}")
    print(f"loader {results['loader_gzip_bytes']} B gzip, app {results['app_gzip_bytes']} B gzip")
    print(f"load average {results['load_average']}")


if __name__ == "__main__":
    main()
