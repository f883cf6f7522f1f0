from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "klient.phone"
    label = "phone"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Routing sits below phone: phone adds its callbacks to the hand-back summary.
        from klient.routing.hand_back import register_answered, register_extra

        from . import hand_back

        register_extra(hand_back.KEY, hand_back.collect, hand_back.word)
        register_answered("calls", hand_back.answered)
