from django.apps import AppConfig


class ExternalCalendarsConfig(AppConfig):
    name = "klient.external_calendars"
    label = "external_calendars"
    default_auto_field = "django.db.models.BigAutoField"
