from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "klient.phone"
    label = "phone"
    default_auto_field = "django.db.models.BigAutoField"
