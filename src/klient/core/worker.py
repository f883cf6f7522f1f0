"""The worker: runs queued tasks and, beside them, the sweeper that re-drives durable
work rows (see core.wiring.SWEEPS).

Tasks are only hints that wake us early; the rows are the record. If a task is lost or
its worker is killed mid-way, the row's lease expires and the sweeper picks it up."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from klient.core import shutdown, wiring, work

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 2.0
# A long-running worker lets a busy stream of work gather for this long between batches
# (see lingering()); `--burst` and tests never wait.
LINGER_SECONDS = 0.1
_long_running = threading.Event()


def lingering() -> bool:
    """True in a long-running worker (`klient worker`, `klient serve`): tasks that drain
    work in batches may pause LINGER_SECONDS between batches so that, under a stream of
    mail, each batch holds many messages instead of one or two (per-batch statements and
    commits dominate the cost of storing mail)."""
    return _long_running.is_set()


def linger() -> None:
    if lingering():
        time.sleep(LINGER_SECONDS)


def _tasks_backend() -> str:
    """The dotted path of the default task backend (typed as a sequence in django-stubs)."""
    return str(settings.TASKS["default"]["BACKEND"])


def run_queued_tasks() -> None:
    """Run every task queued in the database backend now, then return."""
    if not _tasks_backend().startswith("django_tasks_db"):
        return
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"klient-drain-{threading.get_ident()}",
        excluded_queue_names=[],
    ).run()


def drain(max_rounds: int = 20) -> int:
    """`klient worker --burst`: run queued tasks and sweep until nothing is left to do
    now (or max_rounds). Returns how many items the sweeps re-drove."""
    total = 0
    for _ in range(max_rounds):
        run_queued_tasks()
        done = wiring.sweep()
        total += done
        if not done:
            run_queued_tasks()
            break
    return total


class Sweeper(threading.Thread):
    def __init__(self, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        super().__init__(name="klient-sweeper", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                wiring.sweep()
            except Exception:
                logger.exception("sweeper round failed")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()


class Heartbeat(threading.Thread):
    """Renews the leases of the work this process holds (core.work.holding), every third
    of a lease: work may take longer than KLIENT_LEASE_SECONDS, yet if this process is
    killed its work is taken over once the last lease it wrote runs out."""

    def __init__(self, interval: float | None = None) -> None:
        super().__init__(name="klient-heartbeat", daemon=True)
        self.interval = interval if interval is not None else work.lease_seconds() / 3
        self.stopping = threading.Event()

    def run(self) -> None:
        work.set_renewing(True)
        try:
            while not self.stopping.wait(self.interval):
                try:
                    work.renew_held()
                except Exception:
                    logger.exception("lease renewal failed")
                finally:
                    close_old_connections()
        finally:
            work.set_renewing(False)

    def stop(self) -> None:
        self.stopping.set()


class TaskRunner(threading.Thread):
    """Runs the configured django-tasks backend's worker loop in a thread."""

    def __init__(self) -> None:
        super().__init__(name="klient-tasks", daemon=True)
        self._worker: Any = None
        self._stopped = False

    def run(self) -> None:
        _long_running.set()
        backend = _tasks_backend()
        if backend.startswith("django_tasks_db"):
            from django_tasks_db.management.commands.db_worker import Worker

            self._worker = Worker(
                queue_names=["*"],
                interval=0.2,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"klient-{threading.get_ident()}",
                excluded_queue_names=[],
            )
            # stop() sets _stopped before it reads _worker: if it ran before the line
            # above, it is seen here.
            if self._stopped:
                self._worker.running = False
            self._worker.run()
        else:
            logger.info("task backend %s needs no worker", backend)

    def stop(self) -> None:
        """Stop after the running task; safe from a signal handler, at any moment."""
        self._stopped = True
        worker = self._worker
        if worker is not None:
            worker.running = False


def rq_worker_class() -> type:
    """RQ's SimpleWorker (jobs run in this process, not in a child forked per job: a fork
    per job cost more than the job under a stream of mail, and a job killed with its worker
    is re-driven by the sweeper from its durable row all the same), which on SIGTERM or
    SIGINT also asks the running job to stop after its current batch (`core.shutdown`):
    RQ's warm shutdown waits for that job, which would otherwise drain the whole backlog.
    Its exit does not wait for RQ's command listener (see unsubscribe)."""
    from rq.worker import SimpleWorker

    class KlientRQWorker(SimpleWorker):
        def request_stop(self, signum: int, frame: FrameType | None) -> None:
            shutdown.request()
            super().request_stop(signum, frame)

        def unsubscribe(self) -> None:
            """RQ 3.0 unsubscribes its command listener thread, then stops it with redis-py
            8's stop(), which waits for the thread with no limit. Woken by the unsubscribe
            reply while still running, the thread goes on to wait up to 60 s for a new
            subscription: one exit in ten took a minute. Here the thread is told to stop
            first, and waited for at most a second (it is a daemon thread)."""
            thread = self.pubsub_thread
            if thread is None:
                return
            try:
                thread.stop(timeout=0)  # redis-py >= 8: stop() waits unless told not to
            except TypeError:
                thread.stop()  # older redis-py: stop() only clears the flag
            self.pubsub.unsubscribe()
            thread.join(timeout=1)
            self.pubsub.close()

    return KlientRQWorker


def run_forever() -> None:
    """`klient worker`: the task runner and the sweeper until SIGTERM or SIGINT, which let
    the running task finish its current batch (`core.shutdown`)."""
    _long_running.set()
    heartbeat = Heartbeat()
    heartbeat.start()
    sweeper = Sweeper()
    sweeper.start()
    if _tasks_backend().startswith("django_tasks_rq"):
        import django_rq

        # RQ handles its own signals, so it runs in the main thread.
        print("Klient worker running, task queue on Redis", flush=True)
        try:
            django_rq.get_worker(
                "default",
                job_class="django_tasks_rq.backend.Job",
                worker_class=rq_worker_class(),
            ).work(with_scheduler=False)
        finally:
            sweeper.stop()
            heartbeat.stop()
        return
    runner = TaskRunner()

    def stop(signum: int, frame: FrameType | None) -> None:
        shutdown.request()
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    runner.start()
    print("Klient worker running, task queue in the database", flush=True)
    try:
        while runner.is_alive():
            time.sleep(0.2)
    except KeyboardInterrupt:
        shutdown.request()
    finally:
        sweeper.stop()
        runner.stop()
        heartbeat.stop()
