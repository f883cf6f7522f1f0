"""Production mode: separate web and worker processes sharing the database, with the task
queue on Redis (django-tasks-rq). Same code as embedded mode, chosen by environment."""

import json
import os
import smtplib
import subprocess
import sys
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from klient.conversations.models import Conversation
from support import database_url, free_port, port_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS_URL = "redis://127.0.0.1:6379/7"
KLIENT = str(Path(sys.executable).with_name("klient"))


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_queue():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (see .ci/run)")
    client.flushdb()
    yield client
    client.flushdb()


def test_web_and_worker_processes_answer_a_customer_over_redis(
    support_team, agent_anna, smtp_sink, redis_queue, tmp_path
):
    web_port, smtp_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "KLIENT_DATA_DIR": str(django_settings.DATA_DIR),
        "KLIENT_SECRET_KEY": django_settings.SECRET_KEY,
        "KLIENT_SMTP_RELAY": f"127.0.0.1:{smtp_sink.port}",
    }
    web_log = (tmp_path / "web.log").open("wb")  # lives as long as the process
    worker_log = (tmp_path / "worker.log").open("wb")
    web = subprocess.Popen(
        [KLIENT, "serve", "--no-worker", "--port", str(web_port), "--smtp-port", str(smtp_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=web_log,
    )
    worker = subprocess.Popen(
        [KLIENT, "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=worker_log,
    )
    try:
        wait_for(lambda: port_open(smtp_port) and port_open(web_port), what="klient serve")
        msg = EmailMessage()
        msg["From"] = "Jürgen Größmann <juergen@kunde.de>"
        msg["To"] = "support@shop.example"
        msg["Subject"] = "Ihre Erinnerung zum Termin"
        msg.set_content("Guten Tag, ich fand die Frage, ob ich wirklich komme, kränkend.")
        with smtplib.SMTP("127.0.0.1", smtp_port) as client:
            client.send_message(msg)

        conversation = wait_for(Conversation.objects.first, what="the conversation (worker)")
        request = urllib.request.Request(
            f"http://127.0.0.1:{web_port}/api/v1/conversations/{conversation.reference}/replies",
            data=json.dumps({"body": "Das tut uns leid. Wir haben den Text geändert."}).encode(),
            headers={
                "Authorization": f"Bearer {agent_anna.api_token}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201

        [answer] = smtp_sink.wait_for(1, timeout=30)
        assert answer["To"] == "juergen@kunde.de"
        assert f"[{conversation.reference}]" in answer["Subject"]
    finally:
        for process in (web, worker):
            process.terminate()
        exits = []
        for process in (web, worker):
            try:
                exits.append(process.wait(timeout=20))
            except subprocess.TimeoutExpired:
                process.kill()
                exits.append("still running 20 s after SIGTERM")
    assert exits == [0, 0]  # both stop cleanly on SIGTERM, as on a deploy
    logs = (tmp_path / "worker.log").read_text(errors="backslashreplace")
    assert "Traceback" not in logs, logs
