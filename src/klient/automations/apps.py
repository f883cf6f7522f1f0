from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "klient.automations"
    label = "automations"
    default_auto_field = "django.db.models.BigAutoField"
