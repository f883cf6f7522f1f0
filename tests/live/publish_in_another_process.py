"""Run by test_redis_layer.py in a separate process, as a production worker: run the
pending events' handlers (which publish to the Redis channel layer under the prefix given
as the first argument)."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
django.setup()

from django.conf import settings  # noqa: E402

settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = sys.argv[1]

from klient.core import wiring  # noqa: E402

print(wiring.dispatch_pending())
