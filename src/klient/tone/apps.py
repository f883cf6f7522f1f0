from django.apps import AppConfig


class ToneConfig(AppConfig):
    name = "klient.tone"
    label = "tone"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Conversations sits below the tone guard: the guard adds itself to its checks.
        from klient.conversations.checks import register_check, registered_checks

        from .checks import CHECK_NAME, tone_check

        if CHECK_NAME not in registered_checks():
            register_check(CHECK_NAME, tone_check)
