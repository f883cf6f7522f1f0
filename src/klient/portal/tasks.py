"""Tasks: take ids, idempotent; they only wake work early, the sweep re-drives the rest."""

from __future__ import annotations

from django_tasks import task

from .sign_in import send_sign_in_link


@task()
def send_sign_in_link_task(link_id: int) -> str:
    return send_sign_in_link(link_id)
