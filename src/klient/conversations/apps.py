from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "klient.conversations"
    label = "conversations"
    default_auto_field = "django.db.models.BigAutoField"
