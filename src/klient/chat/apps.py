from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "klient.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The chat channel plugs into conversations' registry from here (conversations
        # may not import chat): a reply on a chat conversation goes to the widget.
        from klient.conversations import channel_registry

        from .channel import CHANNEL

        channel_registry.register(CHANNEL)
