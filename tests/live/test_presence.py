"""Collision detection: on a conversation page, agents see who else is viewing it and who
is typing a reply or a note, and see them leave. Names come from the server (the signed-in
user), never from what a page sends."""

from asgiref.sync import async_to_sync
from live_sockets import WAIT, conversation_path, socket


def presence(message):
    return (message["user"]["name"], message["state"])


def test_two_agents_on_one_conversation_see_each_other_type_and_leave(
    agent_anna, admin_zofia, support_team, receive
):
    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    path = conversation_path(conversation)
    anna, zofia = socket(agent_anna, path), socket(admin_zofia, path)

    async def scenario():
        seen = {}
        assert (await anna.connect(timeout=WAIT))[0]
        assert (await zofia.connect(timeout=WAIT))[0]
        seen["anna sees zofia arrive"] = presence(await anna.receive_json_from(WAIT))
        seen["zofia sees anna already there"] = presence(await zofia.receive_json_from(WAIT))

        await zofia.send_json_to({"type": "typing", "what": "reply"})
        seen["zofia types a reply"] = presence(await anna.receive_json_from(WAIT))
        await zofia.send_json_to({"type": "idle"})
        seen["zofia stops"] = presence(await anna.receive_json_from(WAIT))
        await anna.send_json_to({"type": "typing", "what": "note"})
        seen["anna writes a note"] = presence(await zofia.receive_json_from(WAIT))

        await zofia.disconnect()
        seen["zofia closes the tab"] = presence(await anna.receive_json_from(WAIT))
        await anna.disconnect()
        return seen

    assert async_to_sync(scenario)() == {
        "anna sees zofia arrive": ("Zofia Admin", "viewing"),
        "zofia sees anna already there": ("Anna Nowak", "viewing"),
        "zofia types a reply": ("Zofia Admin", "typing-reply"),
        "zofia stops": ("Zofia Admin", "viewing"),
        "anna writes a note": ("Anna Nowak", "typing-note"),
        "zofia closes the tab": ("Zofia Admin", "left"),
    }


def test_a_heartbeat_repeats_the_state_so_a_page_can_expire_silent_peers(
    agent_anna, admin_zofia, support_team, receive
):
    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    path = conversation_path(conversation)
    anna, zofia = socket(agent_anna, path), socket(admin_zofia, path)

    async def scenario():
        assert (await anna.connect(timeout=WAIT))[0]
        assert (await zofia.connect(timeout=WAIT))[0]
        await anna.receive_json_from(WAIT)  # zofia arrives
        await zofia.receive_json_from(WAIT)  # anna is here
        await zofia.send_json_to({"type": "typing", "what": "note"})
        await anna.receive_json_from(WAIT)
        await zofia.send_json_to({"type": "heartbeat"})
        beat = await anna.receive_json_from(WAIT)
        await zofia.disconnect()
        await anna.disconnect()
        return beat

    beat = async_to_sync(scenario)()
    assert presence(beat) == ("Zofia Admin", "typing-note")


def test_agents_on_another_conversation_do_not_see_each_other(
    agent_anna, admin_zofia, support_team, receive
):
    first = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    second = receive(support_team, "jan@example.com", "Zwrot", "Chcę zwrócić.").conversation
    anna = socket(agent_anna, conversation_path(first))
    zofia = socket(admin_zofia, conversation_path(second))

    async def scenario():
        assert (await anna.connect(timeout=WAIT))[0]
        assert (await zofia.connect(timeout=WAIT))[0]
        await zofia.send_json_to({"type": "typing", "what": "reply"})
        alone = await anna.receive_nothing(timeout=0.3)
        await zofia.disconnect()
        await anna.disconnect()
        return alone

    assert async_to_sync(scenario)()


def test_a_page_cannot_claim_another_state_or_name(agent_anna, admin_zofia, support_team, receive):
    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    path = conversation_path(conversation)
    anna, zofia = socket(agent_anna, path), socket(admin_zofia, path)

    async def scenario():
        assert (await anna.connect(timeout=WAIT))[0]
        assert (await zofia.connect(timeout=WAIT))[0]
        await anna.receive_json_from(WAIT)
        await zofia.receive_json_from(WAIT)
        await zofia.send_json_to({"type": "typing", "what": "<script>", "user": {"name": "Anna"}})
        await zofia.send_json_to({"type": "presence", "state": "left"})
        await zofia.send_json_to("not an object")
        alone = await anna.receive_nothing(timeout=0.3)
        await zofia.send_json_to({"type": "typing", "what": "reply", "user": {"name": "Anna"}})
        typed = await anna.receive_json_from(WAIT)
        await zofia.disconnect()
        await anna.disconnect()
        return alone, typed

    alone, typed = async_to_sync(scenario)()
    assert alone
    assert presence(typed) == ("Zofia Admin", "typing-reply")


def test_a_live_workspace_connection_marks_the_agent_connected_for_routing(
    agent_anna, support_team
):
    """Any page's socket counts (routing gives real-time work only to connected agents),
    and its heartbeats keep the mark fresh."""
    from klient.people.models import AgentProfile

    anna = socket(agent_anna, "/ws/live/")

    async def scenario():
        assert (await anna.connect(timeout=WAIT))[0]
        await anna.send_json_to({"type": "heartbeat"})
        await anna.disconnect()

    async_to_sync(scenario)()

    assert AgentProfile.objects.get(user=agent_anna).last_seen_at is not None
