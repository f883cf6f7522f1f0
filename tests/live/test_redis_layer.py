"""Production mode: the worker is another process, so change notices travel through the
Redis channel layer (REDIS_URL) to the web process's sockets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from live_sockets import WAIT, socket

from support import database_url, redis_channel_layer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS_URL = "redis://127.0.0.1:6379/11"
WORKER = Path(__file__).with_name("publish_in_another_process.py")


@pytest.fixture
def redis_layer(settings):
    with redis_channel_layer(settings, REDIS_URL, "h4") as prefix:
        yield prefix


def test_a_worker_process_tells_the_web_process_sockets_through_redis(
    redis_layer, agent_anna, support_team, receive
):
    anna = socket(agent_anna)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "KLIENT_DATA_DIR": str(django_settings.DATA_DIR),
        "KLIENT_SECRET_KEY": django_settings.SECRET_KEY,
    }

    async def scenario():
        assert (await anna.connect(timeout=WAIT))[0]
        message = await database_sync_to_async(receive)(
            support_team, "jan@example.com", "Zgubiłem hasło", "Nie mogę się zalogować."
        )
        worker = await database_sync_to_async(subprocess.run, thread_sensitive=False)(
            [sys.executable, str(WORKER), redis_layer],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert worker.returncode == 0, worker.stderr
        notice = await anna.receive_json_from(timeout=WAIT)
        await anna.disconnect()
        return message.conversation, notice

    conversation, notice = async_to_sync(scenario)()
    assert notice["reference"] == conversation.reference
    assert notice["kinds"] == ["conversation.created", "message.received"]
