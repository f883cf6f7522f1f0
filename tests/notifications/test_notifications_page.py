"""Anna sees her notifications in the top bar and on their page, opens the conversation
from one, and marks them read; she never sees Bruno's."""

from klient.notifications.models import Notification
from support import signed_in


def test_the_bell_shows_the_unread_count(agent_anna, tell, luc):
    anna = signed_in(agent_anna)
    assert "notif-count" not in anna.get("/").content.decode()

    tell(agent_anna, "Luc is still waiting", luc)
    tell(agent_anna, "Another one")

    page = anna.get("/").content.decode()
    assert '<span class="notif-count">2</span>' in page
    assert 'href="/notifications/"' in page


def test_the_page_lists_only_her_own_newest_first(agent_anna, agent_bruno, tell, luc):
    tell(agent_anna, "First for Anna", luc)
    tell(agent_anna, "Second for Anna")
    tell(agent_bruno, "Only for Bruno")

    page = signed_in(agent_anna).get("/notifications/").content.decode()

    assert page.index("Second for Anna") < page.index("First for Anna")
    assert "Only for Bruno" not in page
    assert f"Open {luc.reference}" in page


def test_opening_one_marks_it_read_and_goes_to_the_conversation(agent_anna, tell, luc):
    notification = tell(agent_anna, "Luc is still waiting", luc)
    anna = signed_in(agent_anna)

    response = anna.post(f"/notifications/{notification.pk}/read/", {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"/c/{luc.reference}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert anna.get(response["Location"]).status_code == 200


def test_mark_one_and_mark_all_read(agent_anna, tell):
    first, second, third = (tell(agent_anna, f"Note {n}") for n in range(3))
    anna = signed_in(agent_anna)

    anna.post(f"/notifications/{first.pk}/read/")
    assert set(Notification.objects.filter(read_at__isnull=True)) == {second, third}
    unread_page = anna.get("/notifications/?unread=1").content.decode()
    assert "Note 0" not in unread_page and "Note 1" in unread_page

    anna.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_she_cannot_mark_somebody_elses_read(agent_anna, agent_bruno, tell):
    for_bruno = tell(agent_bruno, "Only for Bruno")

    signed_in(agent_anna).post(f"/notifications/{for_bruno.pk}/read/", {"open": "1"})

    for_bruno.refresh_from_db()
    assert for_bruno.read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
