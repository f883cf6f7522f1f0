"""/notifications: the caller's own notifications (never anybody else's), and marking them
read. There is no object id in the paths, so there is nothing outside one's scope to hide.
`text` is worded in the caller's language (klient.people.languages.reader_language: their
profile's, else the request's Accept-Language, else English)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema

from klient.notifications.actions import mark_read, unread_count
from klient.notifications.models import Notification
from klient.notifications.queries import notifications_of
from klient.people.languages import reader_language

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="What it says, in the caller's language.")
    params: dict[str, Any] | None = Field(
        None, description="What it says, as data (names, references, codes); null for a text."
    )
    conversation: str | None = Field(None, description="The conversation's reference, K-…")
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    unread: int


class NotificationParams(Schema):
    unread: bool = Field(False, description="Only the unread ones.")
    limit: int = Field(50, ge=1, le=200)


class ReadIn(Schema):
    ids: list[int] | None = Field(
        None, description="The notifications to mark read; leave out to mark all of them."
    )


class ReadOut(Schema):
    marked: int
    unread: int


def _out(notification: Notification) -> dict[str, Any]:
    conversation = notification.conversation
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.worded(),
        "params": notification.params,
        "conversation": conversation.reference if conversation else None,
        "url": notification.url,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get(
    "",
    response={200: NotificationPage, 401: ErrorOut},
    summary="List your notifications, newest first",
)
def list_notifications(request: HttpRequest, params: Query[NotificationParams]) -> Any:
    user = caller(request)
    rows = notifications_of(user, unread_only=params.unread)[: params.limit]
    with translation.override(reader_language(user, request)):
        items = [_out(n) for n in rows]
    return {"items": items, "unread": unread_count(user)}


@router.post(
    "/read",
    response={200: ReadOut, 401: ErrorOut, 422: ErrorOut},
    summary="Mark your notifications read (some, or all)",
)
def read_notifications(request: HttpRequest, payload: ReadIn) -> Any:
    user = caller(request)
    marked = mark_read(user, payload.ids)
    return {"marked": marked, "unread": unread_count(user)}
