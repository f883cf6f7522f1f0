"""Telephony webhooks through the whole Django stack (middleware, signature check, the
call's message and record, a callback for a missed call): webhooks per second and the
median and 95th-percentile time of one, for each kind of delivery.

It makes its own database in a temporary directory (SQLite; DATABASE_URL for another),
migrates it, gives Support a phone number, then posts signed generic (Standard Webhooks)
deliveries in process with Django's test client:

- new: a call nobody knew (a new customer and conversation; half are missed: a callback);
- update: "ended" for each of those calls (the same call and message updated);
- replay: each "ended" delivery again (answered 200 from its receipt, nothing written);
- forged: a wrong signature (401 before anything is read).

    .venv/bin/python bench/telephony.py --calls 500"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def setup_django() -> None:
    data = tempfile.mkdtemp(prefix="klient-bench-telephony-")
    os.environ["KLIENT_DATA_DIR"] = data
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data}/bench.sqlite3")
    os.environ["KLIENT_TELEPHONY_SECRET"] = SECRET
    os.environ["DJANGO_SETTINGS_MODULE"] = "klient.settings"
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    # Each forged delivery logs its refusal: not what is measured.
    logging.getLogger("klient.phone.webhooks").setLevel(logging.ERROR)


def signed(payload: dict, webhook_id: str, *, forged: bool = False) -> tuple[bytes, dict]:
    from klient.phone import signatures

    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    key = signatures.standard_webhooks_key(SECRET if not forged else "whsec_Zm9yZ2Vk")
    return body, {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": signatures.standard_webhooks_signature(key, webhook_id, stamp, body),
    }


def call_payload(i: int, event: str) -> dict:
    return {
        "call_id": f"bench-{i}",
        "event": event,
        "direction": "inbound",
        "from": f"+48600{i:06d}",
        "to": "+48221234567",
        "started_at": "2026-12-07T12:00:00+01:00",
        **(
            {"ended_at": "2026-12-07T12:03:00+01:00", "duration_seconds": 180}
            if event == "ended"
            else {}
        ),
    }


def run(client, deliveries: list[tuple[bytes, dict]], expect: int) -> list[float]:
    times = []
    for body, headers in deliveries:
        start = time.perf_counter()
        response = client.post(
            "/api/v1/telephony/generic",
            data=body,
            content_type="application/json",
            headers=headers,
        )
        times.append(time.perf_counter() - start)
        if response.status_code != expect:
            raise SystemExit(f"expected {expect}, got {response.status_code}: {response.content!r}")
    return times


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(
        f"{name:8} {len(ms):5} deliveries  {len(ms) / sum(times):7.0f}/s  "
        f"median {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client

    from klient.people.actions import add_endpoint, create_team
    from klient.phone.models import Call, Callback

    team = create_team("Support", address="support@shop.example")
    add_endpoint(team, kind="phone", value="+48221234567")
    client = Client()
    print(f"database: {connection.vendor}; {args.calls} calls")
    started = [
        signed(call_payload(i, "missed" if i % 2 else "started"), f"msg_new_{i}")
        for i in range(args.calls)
    ]
    ended = [signed(call_payload(i, "ended"), f"msg_end_{i}") for i in range(0, args.calls, 2)]
    forged = [signed(call_payload(i, "ended"), f"msg_forged_{i}", forged=True) for i in range(200)]
    report("new", run(client, started, 200))
    report("update", run(client, ended, 200))
    report("replay", run(client, ended, 200))
    report("forged", run(client, forged, 401))
    print(f"calls {Call.objects.count()}, callbacks {Callback.objects.count()}")


if __name__ == "__main__":
    main()
