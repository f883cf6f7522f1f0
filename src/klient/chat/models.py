"""Live chat's rows: a visitor's session, the per-conversation sequence counter and one
entry per message shown in the chat (docs/chat.md).

The messages themselves are ordinary conversations.Message rows of channel "chat"; an entry
gives one its place (seq) in the chat and remembers the widget's client_id, so a resent
frame finds the first answer instead of storing twice."""

from __future__ import annotations

from django.db import models

from klient.conversations.models import Conversation, Message
from klient.people.models import Team


class ChatSession(models.Model):
    """One chat of one visitor. Only the SHA-256 of its token is stored: a database read
    does not give anyone a way into the chat. The name and email are what the visitor
    typed, unproven: they never join the chat to a customer's history."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="chat_sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=320, blank=True)
    language = models.CharField(max_length=16, blank=True)
    # Empty until the first message is stored: a session opened and left costs no case.
    conversation = models.OneToOneField(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat"
    )
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    @property
    def visitor_id(self) -> str:
        """The chat identity (people.identities CHAT) of this session's visitor."""
        return f"chat-session-{self.pk}"


class ChatCounter(models.Model):
    """The last seq given in a conversation's chat; locked (select_for_update) by whoever
    stores the next entry, so two writers never take the same number."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="chat_counter"
    )
    last_seq = models.PositiveIntegerField(default=0)


class ChatEntry(models.Model):
    """A message's place in its chat: the widget replays entries by seq after a reconnect."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="chat_entries"
    )
    seq = models.PositiveIntegerField()
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="chat_entry")
    session = models.ForeignKey(
        ChatSession, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    # The widget's id of a customer's frame; null for agents' and Klient's messages.
    client_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_entry_seq_unique"),
            models.UniqueConstraint(
                fields=["session", "client_id"], name="chat_entry_client_id_unique"
            ),
        ]


class ChatOrigins(models.Model):
    """The web origins (scheme://host[:port]) a team's widget may be embedded on."""

    team = models.OneToOneField(
        Team, primary_key=True, on_delete=models.CASCADE, related_name="chat_origins"
    )
    allowed = models.JSONField(default=list)
