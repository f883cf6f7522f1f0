from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "klient.promises"
    label = "promises"
    default_auto_field = "django.db.models.BigAutoField"
