"""A request form sent while the server dies half-way is recorded once, with its submission
record, when the visitor sends it again (story 4: forms that ask for what the request needs
are no use if what was asked is lost)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from portal_helpers import filled

from klient.conversations.models import Conversation, Message
from klient.portal.demo import seed_demo
from klient.portal.models import FormSubmission
from support import database_url

# A real process posts the form through the whole request stack and dies (os._exit: no
# clean-up, no rollback sent) right after the conversation and its message are written and
# before the submission record is.
POST_AND_DIE = textwrap.dedent(
    """
    import json, os
    import django

    django.setup()
    from django.test import Client
    from klient.portal import actions

    class DieBeforeTheRecord:
        def create(self, **fields):
            os._exit(17)

    actions.FormSubmission.objects = DieBeforeTheRecord()
    Client().post("/forms/contact/?lang=pl", json.loads(os.environ["FORM"]))
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_again_after_a_crash_between_its_two_writes_is_recorded_once(
    billing_team, client, tmp_path: Path
):
    form = seed_demo()
    data = filled(form, nonce="c" * 32)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "klient.settings",
        "KLIENT_DATA_DIR": os.environ.get("KLIENT_DATA_DIR", str(tmp_path)),
        "FORM": json.dumps(data),
    }
    died = subprocess.run(
        [sys.executable, "-c", POST_AND_DIE], env=env, capture_output=True, timeout=120
    )
    assert died.returncode == 17, died.stderr.decode()
    assert not Conversation.objects.exists()  # the half-done change did not survive

    first = client.post("/forms/contact/?lang=pl", data)  # the visitor sends it again
    second = client.post("/forms/contact/?lang=pl", data)  # and, unsure, once more

    assert first.status_code == second.status_code == 200
    conversation = Conversation.objects.get()
    assert Message.objects.filter(conversation=conversation).count() == 1
    [record] = FormSubmission.objects.all()
    assert record.conversation == conversation
    assert record.data["email"] == "ola@example.com"
