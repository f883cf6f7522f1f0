from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "klient.voice"
    label = "voice"
    default_auto_field = "django.db.models.BigAutoField"
