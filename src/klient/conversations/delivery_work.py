"""Deliveries as durable work (klient.core.work): one kind for every channel.

pending(next_attempt_at) -> sending(lease_until) -> sent | failed (| bounced, later).
A channel's deliverer claims each row before it delivers it, so two workers (or a task and
the sweep) never both hold one; `redrive_due_deliveries` hands the sweep's rows to their
channel (conversations.channel_registry)."""

from __future__ import annotations

from datetime import timedelta

from klient.core import work

from .models import Delivery

# 30 s after the first failed attempt, doubling to at most an hour, plus up to 10 % (so a
# relay coming back is not hit by every retry at once); given up after 12 attempts.
DELIVERY_WORK = work.WorkKind(
    Delivery,
    policy=work.RetryPolicy(
        first_retry=timedelta(seconds=30),
        longest=timedelta(hours=1),
        max_attempts=12,
        jitter=0.1,
    ),
    ready=Delivery.State.PENDING,
    held=Delivery.State.SENDING,
    failed=Delivery.State.FAILED,
    order_by=("next_attempt_at",),
)
