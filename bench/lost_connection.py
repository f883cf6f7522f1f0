"""Lost-connection page benchmark: the bytes a phone transfers to load
`/b/<token>/lost-connection` (issue 15, item 7: under 30 KB, no script needed). The page is
one HTML document with inline CSS and no external asset, so its transfer is one answer:
status line, headers and body, counted as they go on the wire (uncompressed: a weak
connection's proxy may not compress). Also after the button's POST.

    PYTHONPATH=src .venv/bin/python bench/lost_connection.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

LIMIT = 30 * 1024


def setup() -> None:
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-lost-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def on_the_wire(response) -> int:
    head = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in response.headers.items()) + "\r\n"
    return len(head.encode()) + len(response.content)


def main() -> None:
    setup()
    from django.db import transaction
    from django.test import Client

    from klient.people.actions import create_agent, create_team
    from klient.scheduling import booking
    from klient.scheduling.actions import create_booking_type

    team = create_team("Support", address="support@bench.example")
    agent, _ = create_agent("olha@bench.example", name="Olha Koval", teams=[team])
    kind = create_booking_type(
        actor=agent,
        name="Interview",
        slug="interview",
        agent=agent.pk,
        kind="video",
        location="https://meet.example/olha",
        duration_minutes=60,
        horizon_days=30,
    )
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    for language in ("en", "fr", "pl", "de", "uk"):
        with transaction.atomic():
            made = booking.book(
                kind,
                start=start,
                name="Dmytro",
                email=f"dmytro-{language}@mail.example",
                time_zone="America/New_York",
                language=language,
            )
        start += timedelta(hours=2)
        url = f"/b/{made.manage_token}/lost-connection"
        page = Client().get(url)
        html = page.content.decode()
        assert "<script" not in html.lower()
        tapped = Client().post(url)  # the request is its own entry point
        print(
            f"lost_connection_page lang={language} get_bytes={on_the_wire(page)} "
            f"post_bytes={on_the_wire(tapped)} limit={LIMIT} "
            f"ok={on_the_wire(page) < LIMIT and on_the_wire(tapped) < LIMIT}"
        )


if __name__ == "__main__":
    main()
