"""Webhook deliveries per second sustained by one worker against a loopback receiver.

It makes its own database in a temporary directory (SQLite; DATABASE_URL for another),
migrates it, starts a receiver on a free loopback port in a separate process (http.server,
answering 200, so its CPU is not the worker's), subscribes it, queues N deliveries with
`klient.webhooks.actions.send_to_endpoint` (bodies shaped like a conversation event's),
then times `klient.webhooks.delivery.deliver_due()`, what the worker's task runs: claim a
batch, check the destination, sign, POST with http.client, record the attempt and the
outcome, until every delivery is done.

    .venv/bin/python bench/webhooks.py --deliveries 2000"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path


def setup_django() -> None:
    data = tempfile.mkdtemp(prefix="klient-bench-webhooks-")
    os.environ["KLIENT_DATA_DIR"] = data
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data}/bench.sqlite3")
    os.environ["KLIENT_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "klient.settings"
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(port_out) -> None:  # type: ignore[no-untyped-def]
    server = HTTPServer(("127.0.0.1", 0), Ok)
    port_out.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    args = parser.parse_args()
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=serve, args=(ports,), daemon=True)
    receiver.start()
    port = ports.get(timeout=30)
    setup_django()
    from django.db import connection, transaction

    from klient.webhooks import actions
    from klient.webhooks.delivery import deliver_due
    from klient.webhooks.models import Delivery

    endpoint, _ = actions.create_endpoint(
        f"http://127.0.0.1:{port}/hooks", ["conversation.created"], description="bench"
    )
    with transaction.atomic():
        for i in range(args.deliveries):
            actions.send_to_endpoint(
                endpoint.pk,
                "conversation.created",
                {
                    "event": i,
                    "occurred_at": "2026-12-07T15:00:00Z",
                    "actor": "",
                    "conversation": {"id": i, "reference": f"K-{i}", "subject": f"Parcel {i}"},
                    "details": {"message": i, "channel": "email"},
                },
            )
    start, cpu = time.perf_counter(), time.process_time()
    attempted = deliver_due()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    delivered = Delivery.objects.filter(state="delivered").count()
    receiver.terminate()
    print(f"database: {connection.vendor}; receiver: http.server in its own process")
    print(f"{attempted} attempted, {delivered} delivered in {wall:.2f} s")
    print(f"{delivered / wall:.0f} deliveries/s; worker CPU {cpu / delivered * 1000:.2f} ms each")


if __name__ == "__main__":
    main()
