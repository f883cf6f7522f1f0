"""Who may open a live socket: signed-in agents, from our own pages, and on a conversation
page only for a conversation in their scope (klient.conversations.access)."""

from asgiref.sync import async_to_sync
from live_sockets import WAIT, conversation_path, socket


def opens(communicator) -> bool:
    async def attempt():
        connected, _ = await communicator.connect(timeout=WAIT)
        if connected:
            await communicator.disconnect()
        return connected

    return async_to_sync(attempt)()


def test_a_signed_in_agent_opens_the_inbox_socket(agent_anna):
    assert opens(socket(agent_anna))


def test_a_visitor_without_a_session_is_refused(db):
    assert not opens(socket(None))


def test_a_socket_opened_from_another_site_is_refused(agent_anna):
    evil = (b"origin", b"https://evil.example")
    assert not opens(socket(agent_anna, origin=evil))


def test_a_socket_without_an_origin_header_is_refused(agent_anna):
    assert not opens(socket(agent_anna, origin=None))


def test_an_agent_opens_the_socket_of_a_conversation_of_their_team(
    agent_anna, support_team, receive
):
    message = receive(support_team, "ola@example.com", "Faktura VAT", "Proszę o fakturę.")
    assert opens(socket(agent_anna, conversation_path(message.conversation)))


def test_an_agent_outside_the_team_is_refused_the_conversation_socket(
    agent_bruno, support_team, receive
):
    message = receive(support_team, "ola@example.com", "Faktura VAT", "Proszę o fakturę.")
    assert not opens(socket(agent_bruno, conversation_path(message.conversation)))


def test_the_assignee_from_another_team_opens_the_conversation_socket(
    agent_bruno, admin_zofia, support_team, receive
):
    from klient.conversations.actions import update_conversation

    message = receive(support_team, "ola@example.com", "Faktura VAT", "Proszę o fakturę.")
    update_conversation(message.conversation, actor=admin_zofia, assignee=agent_bruno)
    assert opens(socket(agent_bruno, conversation_path(message.conversation)))


def test_an_admin_opens_any_conversation_socket(admin_zofia, billing_team, receive):
    message = receive(billing_team, "luc@example.fr", "Facture", "Bonjour, ma facture ?")
    assert opens(socket(admin_zofia, conversation_path(message.conversation)))


def test_a_reference_that_names_nothing_is_refused(agent_anna):
    assert not opens(socket(agent_anna, "/ws/live/c/K-999999/"))
    assert not opens(socket(agent_anna, "/ws/live/c/nonsense/"))
