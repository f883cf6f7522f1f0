"""A worker for test_invitation_replay.py, run as a separate OS process: it hands the
waiting appointment emails to the relay (KLIENT_SMTP_RELAY), as the worker's sweep does.
Configured entirely from the environment (DATABASE_URL, KLIENT_DATA_DIR, ...)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")

import django

django.setup()

from klient.scheduling.invitation_mail import send_due_invitations  # noqa: E402

print("sent", send_due_invitations(), flush=True)
