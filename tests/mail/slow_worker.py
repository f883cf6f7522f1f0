"""A deliberately slow worker for test_worker_crash.py, run as a separate OS process.

It processes every received inbound mail in order, pausing inside each one (after the
row is claimed, before the message is stored) so that a SIGKILL lands mid-message.
Configured entirely from the environment (DATABASE_URL, KLIENT_DATA_DIR, ...)."""

from __future__ import annotations

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")

import django

django.setup()

from klient.mail import actions  # noqa: E402
from klient.mail.models import InboundMail  # noqa: E402

PAUSE_SECONDS = float(os.environ.get("SLOW_WORKER_PAUSE", "0.1"))
_prepare = actions.prepare


def _slow_prepare(*args, **kwargs):  # type: ignore[no-untyped-def]
    time.sleep(PAUSE_SECONDS)
    return _prepare(*args, **kwargs)


actions.prepare = _slow_prepare  # type: ignore[assignment]

pending = InboundMail.objects.filter(state=InboundMail.State.RECEIVED).order_by("pk")
for pk in list(pending.values_list("pk", flat=True)):
    print(pk, actions.process_inbound(pk), flush=True)
