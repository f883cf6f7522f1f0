from django.apps import AppConfig


class ToneConfig(AppConfig):
    name = "klient.tone"
    label = "tone"
    default_auto_field = "django.db.models.BigAutoField"
