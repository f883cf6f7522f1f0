from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "klient.promises"
    label = "promises"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The promises part of the pre-send check, registered from this app's own code so
        # that conversations never imports it (klient.conversations.checks).
        from klient.conversations.checks import register_check, registered_checks

        from .checks import CHECK, promises_in_draft

        if CHECK not in registered_checks():
            register_check(CHECK, promises_in_draft)
