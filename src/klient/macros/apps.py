from django.apps import AppConfig


class MacrosConfig(AppConfig):
    name = "klient.macros"
    label = "macros"
    default_auto_field = "django.db.models.BigAutoField"
