"""Where a webhook may be sent: the desk-wide rule of core.destinations (http or https to
public addresses only, checked when an endpoint is created or changed AND at every delivery,
which then connects to one of the checked addresses), with webhooks' own allow-list:
hosts named in KLIENT_WEBHOOK_ALLOWED_HOSTS (comma-separated host names, e.g. an internal
receiver, or 127.0.0.1 in tests) skip the address check."""

from __future__ import annotations

import os

from django.conf import settings

from klient.core import destinations as core
from klient.core.destinations import Destination, RefusedDestination, Resolver, refusal, resolve

__all__ = ["Destination", "RefusedDestination", "allowed_hosts", "check", "refusal"]

SETTING = "KLIENT_WEBHOOK_ALLOWED_HOSTS"


def allowed_hosts() -> frozenset[str]:
    configured = getattr(settings, SETTING, None)
    if configured is None:
        configured = os.environ.get(SETTING, "")
    return core.allowed_hosts(configured)


def check(url: str, resolver: Resolver = resolve) -> Destination:
    """The URL as a Destination whose every address is allowed; RefusedDestination if not."""
    return core.check(url, allowed=allowed_hosts(), setting=SETTING, resolver=resolver)
