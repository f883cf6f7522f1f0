"""Anna's hand-back summary names the call-backs Piotr owed or made for her customers, in
her language; what another domain adds can never cost her the summary."""

from __future__ import annotations

from django.utils import translation

from klient.routing import hand_back, texts

ITEM = {"ref": "K-1001", "status": "open", "who": "Piotr Nowak"}
CALLBACKS = [
    {"phone": "+48601234567", "state": "due", "due": "2026-03-12T08:00:00+00:00", "attempts": 1},
    {
        "phone": "+48601234567",
        "state": "reached",
        "due": "2026-03-11T08:00:00+00:00",
        "attempts": 2,
    },
]


def test_phone_registers_its_callbacks_with_the_summary():
    assert "callbacks" in hand_back.registered_extras()


def test_the_summary_lists_each_callback_under_its_conversation_in_the_owners_language(
    settings,
):
    settings.TIME_ZONE = "UTC"
    params = {"conversations": [{**ITEM, "callbacks": CALLBACKS}]}
    with translation.override("en"):
        english = texts.hand_back(params).splitlines()
    with translation.override("pl"):
        polish = texts.hand_back(params)

    assert english[1] == "K-1001: Open, handled by Piotr Nowak"
    assert english[2] == "  call-back to +48601234567: due 2026-03-12 08:00, attempts so far: 1"
    assert english[3] == "  call-back to +48601234567: Reached, attempts: 2"
    assert "oddzwonienie na +48601234567: Połączono, próby: 2" in polish


def test_an_extra_that_fails_is_left_out_and_the_rest_of_the_summary_stays(db):
    from datetime import UTC, datetime

    def broken(ids, since, until):
        raise RuntimeError("promises are not there yet")

    hand_back.register_extra("promises", broken, lambda value: ["never"])
    try:
        items = [{"id": 1, **ITEM}]
        hand_back.add_extras(items, datetime(2026, 3, 1, tzinfo=UTC), datetime.now(UTC))
        assert "promises" not in items[0]
        with translation.override("en"):
            assert "never" not in texts.hand_back({"conversations": items})
    finally:
        hand_back.unregister_extra("promises")
