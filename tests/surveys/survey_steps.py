"""Steps the survey tests share: solving, reopening, reading the links of a survey email."""

from __future__ import annotations

import re


def solve(conversation, agent):
    from klient.conversations.actions import update_conversation

    return update_conversation(conversation, actor=agent, status="solved")


def reopen(conversation, agent):
    from klient.conversations.actions import update_conversation

    return update_conversation(conversation, actor=agent, status="open")


def links(email) -> dict[str, str]:
    """The survey links in an email's text, by rating ("" for the plain link), as paths."""
    text = email.get_body(preferencelist=("plain",)).get_content()
    found = {}
    for url in re.findall(r"https?://\S+/survey/\S+", text):
        path = "/" + url.split("/", 3)[3]
        rating = path.split("?rating=", 1)[1] if "?rating=" in path else ""
        found[rating] = path
    return found
