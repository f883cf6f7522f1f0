"""Opening a conversation marks the reader's notifications about it read: not those about
other conversations, and not anybody else's."""

from __future__ import annotations

from klient.notifications.models import Notification
from support import signed_in


def unread(user) -> set[str]:
    return set(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "text", flat=True
        )
    )


def test_opening_the_conversation_reads_its_notifications(
    agent_anna, admin_zofia, tell, luc, support_team, receive
):
    other = receive(support_team, "ola@client.pl", "Faktura", "Gdzie faktura?").conversation
    tell(agent_anna, "Luc is still waiting", luc)
    tell(agent_anna, "Luc: escalated", luc)
    tell(agent_anna, "Ola is waiting", other)
    tell(agent_anna, "Nothing to do with a conversation")
    tell(admin_zofia, "Zofia, about Luc", luc)
    anna = signed_in(agent_anna)
    assert '<span class="notif-count">4</span>' in anna.get("/").content.decode()

    page = anna.get(f"/c/{luc.reference}/")

    assert page.status_code == 200
    assert '<span class="notif-count">2</span>' in page.content.decode()  # already counted
    assert unread(agent_anna) == {"Ola is waiting", "Nothing to do with a conversation"}
    assert unread(admin_zofia) == {"Zofia, about Luc"}


def test_a_conversation_outside_ones_scope_reads_nothing(agent_bruno, tell, luc):
    """Bruno (Billing) cannot open Support's conversation: 404, and his row stays unread."""
    tell(agent_bruno, "About Luc", luc)  # say, from before he left Support

    assert signed_in(agent_bruno).get(f"/c/{luc.reference}/").status_code == 404
    assert unread(agent_bruno) == {"About Luc"}


def test_the_live_refresh_of_an_open_conversation_reads_nothing(agent_anna, tell, luc):
    """Anna has Luc's conversation open in a tab she is not looking at; a failed delivery
    arrives and the live script refetches the page (with its header). The notification
    stays unread until she opens the conversation herself."""
    anna = signed_in(agent_anna)
    tell(agent_anna, "Your reply was not delivered", luc)

    refreshed = anna.get(f"/c/{luc.reference}/", headers={"X-Klient-Live": "1"})

    assert refreshed.status_code == 200
    assert unread(agent_anna) == {"Your reply was not delivered"}
    anna.get(f"/c/{luc.reference}/")
    assert unread(agent_anna) == set()
