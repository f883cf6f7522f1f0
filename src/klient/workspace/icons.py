"""The inbox's small icons: inline SVG (no font, no request), each with its words for
screen readers in the viewer's language (a visually hidden text, and a tooltip).

Built once per channel and language, not per row."""

from __future__ import annotations

import functools

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

# 24×24 outlines, drawn with the text colour (stroke="currentColor").
_PATHS = {
    "email": "M3 6h18v12H3z M3 6l9 7 9-7",
    "web": "M4 4h16v16H4z M4 9h16 M8 13h8 M8 16h5",
    "chat": "M4 5h16v10H9l-5 4z",
    "phone": (
        "M6 3h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z"
    ),
    "attachment": "M16 7l-7.5 7.5a2 2 0 0 0 3 3L19 10a4 4 0 0 0-6-6l-8 8a6 6 0 0 0 8.5 8.5L20 14",
}
_SVG = (
    '<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" '
    'focusable="false"><path d="{}" fill="none" stroke="currentColor" stroke-width="2" '
    'stroke-linejoin="round" stroke-linecap="round"/></svg>'
)


def _icon(kind: str, words: str, css: str) -> SafeString:
    svg = format_html(_SVG, mark_safe(_PATHS.get(kind, _PATHS["email"])))  # noqa: S308
    return format_html(
        '<span class="conv-icon {}" title="{}">{}<span class="visually-hidden">{}</span></span>',
        css,
        words,
        svg,
        words,
    )


def channel_icon(channel: str, label: str) -> str:
    """The channel's icon; `label` is its translated name ("Email", "Phone")."""
    return _channel_icon(channel, label, get_language())


@functools.lru_cache(maxsize=64)
def _channel_icon(channel: str, label: str, language: str | None) -> SafeString:
    # Translators: the text of a channel icon in the inbox, for screen readers.
    words = gettext("Channel: %(channel)s") % {"channel": label}
    return _icon(channel, words, f"channel-{channel}")


def attachment_icon() -> str:
    return _attachment_icon(get_language())


@functools.lru_cache(maxsize=16)
def _attachment_icon(language: str | None) -> SafeString:
    # Translators: the text of the paperclip icon in the inbox, for screen readers.
    return _icon("attachment", gettext("Has attachments"), "attachment")
