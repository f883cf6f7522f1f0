"""`klient serve`: the web app (ASGI, uvicorn), the SMTP listener and the worker.

Embedded mode (SQLite, the default) runs all three in one process and applies pending
migrations on start. Production runs `klient serve --no-worker` web processes behind a
load balancer and separate `klient worker` processes."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from klient.core import shutdown

logger = logging.getLogger("klient.serve")

# How long `klient serve` waits for its worker's running task when it stops.
STOP_WAIT_SECONDS = 10.0


def is_embedded() -> bool:
    return connection.vendor == "sqlite"


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def run(*, host: str, port: int, smtp_host: str, smtp_port: int | None, worker: bool) -> int:
    import uvicorn

    if threading.current_thread() is threading.main_thread():
        # uvicorn shuts the web server down gracefully on SIGTERM, then raises the signal
        # again under the handler it found: with the default one the process died there,
        # before the SMTP listener and the worker below were stopped.
        signal.signal(signal.SIGTERM, _exit_cleanly)
    if is_embedded():
        call_command("migrate", interactive=False, verbosity=0)
    listener = None
    if smtp_port is not None:
        from klient.mail.smtp import SmtpListener

        listener = SmtpListener(host=smtp_host, port=smtp_port)
        listener.start()
    threads = []
    if worker:
        from klient.core.worker import Heartbeat, Sweeper, TaskRunner

        threads = [Heartbeat(), Sweeper(), TaskRunner()]
        for thread in threads:
            thread.start()
    print(f"Klient is running at http://{host}:{port}/", flush=True)
    if listener is not None:
        print(f"SMTP listener on {smtp_host}:{smtp_port}", flush=True)
    print(f"Outbound mail goes to the relay at {settings.KLIENT_SMTP_RELAY}", flush=True)
    try:
        uvicorn.run(
            "klient.asgi:application",
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
        )
    finally:
        shutdown.request()  # a task running now returns after its current batch
        if listener is not None:
            listener.stop()
        for thread in threads:
            thread.stop()  # type: ignore[attr-defined]
        for thread in threads:
            # Daemon threads: a task that does not finish in time is re-driven from its
            # durable rows by the next start.
            thread.join(timeout=STOP_WAIT_SECONDS)
    return 0
