"""The bell opens a short list: the latest ten, unread ones first and marked, each one a
button that opens it, and a link to the whole page. Without scripts the bell still links
to the page."""

from __future__ import annotations

import re

from django.utils import timezone

from klient.notifications.models import Notification
from support import signed_in


def test_the_bell_is_a_disclosure_that_loads_the_list_and_links_to_the_page(agent_anna, tell):
    tell(agent_anna, "Luc is still waiting")

    page = signed_in(agent_anna).get("/").content.decode()

    assert '<details class="notif-menu" id="notif-menu" hx-get="/notifications/menu/"' in page
    assert '<summary class="notif-bell has-unread">' in page
    assert '<a href="/notifications/">See all notifications</a>' in page


def test_the_list_shows_the_latest_ten_unread_first(agent_anna, agent_bruno, tell):
    old_unread = [tell(agent_anna, f"Old but unread {i}") for i in range(3)]
    read = [tell(agent_anna, f"Newer and read {i}") for i in range(9)]
    Notification.objects.filter(pk__in=[n.pk for n in read]).update(read_at=timezone.now())
    tell(agent_bruno, "Only for Bruno")

    menu = signed_in(agent_anna).get("/notifications/menu/").content.decode()

    texts = re.findall(r'<span class="notif-menu-text">([^<]*)</span>', menu)
    assert texts == [
        "Old but unread 2",
        "Old but unread 1",
        "Old but unread 0",
        *[f"Newer and read {i}" for i in range(8, 1, -1)],
    ]
    assert menu.count('class="notif-menu-item is-unread"') == 3
    assert menu.count('<span class="visually-hidden">Unread: </span>') == 3
    assert f'action="/notifications/{old_unread[0].pk}/read/"' in menu
    assert '<a href="/notifications/">See all notifications (3 unread)</a>' in menu
    assert "Only for Bruno" not in menu


def test_an_entry_opens_its_conversation_and_is_read_then(agent_anna, tell, luc):
    notification = tell(agent_anna, "Luc is still waiting", luc)
    anna = signed_in(agent_anna)
    menu = anna.get("/notifications/menu/").content.decode()
    assert '<input type="hidden" name="open" value="1">' in menu

    response = anna.post(f"/notifications/{notification.pk}/read/", {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"/c/{luc.reference}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_empty_list_says_so(agent_anna):
    menu = signed_in(agent_anna).get("/notifications/menu/").content.decode()

    assert "No notifications yet." in menu
    assert '<a href="/notifications/">See all notifications</a>' in menu


def test_the_list_needs_a_signed_in_agent(client, db):
    response = client.get("/notifications/menu/")

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
