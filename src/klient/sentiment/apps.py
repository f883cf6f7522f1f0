from django.apps import AppConfig


class SentimentConfig(AppConfig):
    name = "klient.sentiment"
    label = "sentiment"
    default_auto_field = "django.db.models.BigAutoField"
