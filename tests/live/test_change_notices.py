"""After a change commits, the worker's event handler tells the sockets of the agents who
may see the conversation (its team, its assignee, administrators) that it changed; nobody
else hears of it, and the notice carries the reference, never the content."""

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from live_sockets import WAIT, socket

from klient.conversations.actions import add_note, update_conversation
from klient.core import wiring
from klient.live.publish import LIVE_KINDS, push_conversation_changes

run_event_handlers = database_sync_to_async(wiring.dispatch_pending)


def notices_after(change, *users):
    """Open an inbox socket per user, make the change, run the event handlers as the
    worker does, and return what each socket received (None: nothing)."""

    sockets = [socket(user) for user in users]

    async def scenario():
        for communicator in sockets:
            connected, _ = await communicator.connect(timeout=WAIT)
            assert connected
        await database_sync_to_async(change)()
        await run_event_handlers()
        received = []
        for communicator in sockets:
            if await communicator.receive_nothing(timeout=0.3):
                received.append(None)
            else:
                received.append(await communicator.receive_json_from(timeout=WAIT))
            await communicator.disconnect()
        return received

    return async_to_sync(scenario)()


def test_a_new_customer_email_reaches_the_team_and_the_admins_but_not_other_teams(
    agent_anna, agent_bruno, admin_zofia, support_team, receive
):
    arrived = []

    def customer_writes():
        arrived.append(receive(support_team, "ola@example.com", "Faktura VAT", "Proszę."))

    anna, bruno, zofia = notices_after(customer_writes, agent_anna, agent_bruno, admin_zofia)

    conversation = arrived[0].conversation
    assert anna is not None
    assert anna["type"] == "conversation.changed"
    assert anna["reference"] == conversation.reference
    assert anna["kinds"] == ["conversation.created", "message.received"]
    assert set(anna) == {"type", "reference", "kinds", "event"}  # no subject, no body
    assert zofia == anna
    assert bruno is None


def test_a_note_reaches_the_assignee_from_another_team(
    agent_anna, agent_bruno, admin_zofia, support_team, receive
):
    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    update_conversation(conversation, actor=admin_zofia, assignee=agent_bruno)
    wiring.dispatch_pending()  # no socket yet: these notices go nowhere

    def anna_notes():
        add_note(conversation, actor=agent_anna, body="Bruno, can you check the invoice?")

    (bruno,) = notices_after(anna_notes, agent_bruno)

    assert bruno["reference"] == conversation.reference
    assert bruno["kinds"] == ["note.added"]


def test_a_transfer_reaches_the_old_team_and_the_new_one(
    agent_anna, agent_bruno, admin_zofia, support_team, billing_team, receive
):
    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    wiring.dispatch_pending()

    def transfer_to_billing():
        update_conversation(conversation, actor=admin_zofia, team=billing_team, priority="high")

    anna, bruno = notices_after(transfer_to_billing, agent_anna, agent_bruno)

    assert anna["kinds"] == bruno["kinds"] == ["priority.changed", "team.changed"]


def test_a_status_change_by_a_teammate_reaches_the_team(
    agent_anna, admin_zofia, support_team, receive
):
    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    wiring.dispatch_pending()

    def zofia_solves():
        update_conversation(conversation, actor=admin_zofia, status="solved")

    (anna,) = notices_after(zofia_solves, agent_anna)

    assert anna["kinds"] == ["status.changed"]


def test_nothing_is_sent_before_the_worker_runs_the_handlers(agent_anna, support_team, receive):
    communicator = socket(agent_anna)

    async def scenario():
        assert (await communicator.connect(timeout=WAIT))[0]
        await database_sync_to_async(receive)(support_team, "ola@example.com", "Hej", "Hej.")
        silent = await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return silent

    assert async_to_sync(scenario)()


def test_handling_the_same_events_twice_only_repeats_the_notice(agent_anna, support_team, receive):
    from klient.core.models import Event

    conversation = receive(support_team, "ola@example.com", "Faktura", "Proszę.").conversation
    ids = list(Event.objects.filter(conversation=conversation).values_list("pk", flat=True))

    communicator = socket(agent_anna)

    async def scenario():
        assert (await communicator.connect(timeout=WAIT))[0]
        for _ in range(2):
            await database_sync_to_async(push_conversation_changes)(ids)
        first = await communicator.receive_json_from(timeout=WAIT)
        second = await communicator.receive_json_from(timeout=WAIT)
        await communicator.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()
    assert first == second
    assert first["event"] == max(ids)


def test_every_live_kind_is_wired_to_the_live_handler():
    handler = "klient.live.publish.push_conversation_changes"
    wired = {kind for kind, handlers in wiring.EVENT_HANDLERS.items() if handler in handlers}
    assert wired == set(LIVE_KINDS)


def test_a_burst_of_mail_reaches_a_socket_as_one_notice_per_conversation_in_order(
    agent_anna, support_team, billing_team, receive
):
    from klient.core.models import Event
    from klient.live import groups
    from klient.live.publish import notices_by_group

    sent = [
        receive(support_team, "ola@example.com", "Faktura", "Proszę o fakturę."),
        receive(support_team, "jurgen@example.de", "Rechnung", "Bitte um die Rechnung."),
        receive(billing_team, "marie@example.fr", "Facture", "Merci de corriger la facture."),
    ]
    support = [m.conversation.reference for m in sent[:2]]
    ids = list(Event.objects.order_by("pk").values_list("pk", flat=True))

    # One channel-layer message per group for the whole batch, not one per conversation.
    by_group = notices_by_group(ids)
    assert [n["reference"] for n in by_group[groups.team(support_team.pk)]] == support
    assert len(by_group[groups.ADMINS]) == 3

    anna = socket(agent_anna)

    async def scenario():
        assert (await anna.connect(timeout=WAIT))[0]
        await database_sync_to_async(push_conversation_changes)(ids)
        received = [await anna.receive_json_from(timeout=WAIT) for _ in support]
        nothing_more = await anna.receive_nothing(timeout=0.3)
        await anna.disconnect()
        return received, nothing_more

    received, nothing_more = async_to_sync(scenario)()
    assert [n["reference"] for n in received] == support
    assert all(n["type"] == "conversation.changed" for n in received)
    assert nothing_more  # Marie wrote to billing, which Anna is not in


def test_a_notification_rings_only_the_notified_agents_bell(agent_anna, agent_bruno, admin_zofia):
    """Zofia asks Anna something: Anna's pages hear that her bell changed, and only that
    (no text); Bruno's and Zofia's hear nothing."""
    from klient.notifications.actions import notify

    def zofia_asks_anna():
        params = {"asker": "Zofia", "ref": "K-1", "question": "Czy to już poprawione?"}
        notify([agent_anna], kind="collab.asked", params=params, actor=admin_zofia)

    anna, bruno, zofia = notices_after(zofia_asks_anna, agent_anna, agent_bruno, admin_zofia)

    assert anna == {"type": "notifications.changed"}
    assert bruno is None and zofia is None
