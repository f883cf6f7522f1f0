"""`klient demo`: teams, agents and story conversations in five languages, loaded once,
through the real mail pipeline."""

from django.contrib.auth import authenticate, get_user_model

from klient import demo
from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.mail.models import InboundMail
from klient.people.models import Team


def counts() -> dict[str, int]:
    return {
        "teams": Team.objects.count(),
        "agents": get_user_model().objects.count(),
        "conversations": Conversation.objects.count(),
        "messages": Message.objects.count(),
        "events": Event.objects.count(),
    }


def test_seeding_twice_loads_the_demo_once(db):
    assert demo.seed() is True
    first = counts()

    assert demo.seed() is False
    assert demo.seed(force=True) is False

    assert counts() == first
    assert first["teams"] == 2
    assert first["conversations"] >= 6


def test_seeding_does_nothing_when_teams_already_exist(support_team):
    assert demo.seed() is False

    assert Conversation.objects.count() == 0


def test_the_demo_agents_sign_in_with_the_documented_password(db):
    demo.seed()

    admin = authenticate(username="admin@klient.localhost", password="klient-demo")
    anna = authenticate(username="anna@klient.localhost", password="klient-demo")

    assert admin is not None and admin.is_superuser
    assert anna is not None and [t.name for t in anna.teams.all()] == ["Support"]
    assert "admin@klient.localhost / klient-demo" in demo.SIGN_IN_HINT
    assert Team.objects.get(name="Support").acknowledge


def test_customers_write_in_five_languages_through_the_mail_pipeline(db):
    demo.seed()

    languages = set(Conversation.objects.values_list("language", flat=True))
    assert {"fr", "pl", "de", "uk", "en"} <= languages
    inbound = Message.objects.filter(kind=Message.Kind.INBOUND)
    assert inbound.count() == InboundMail.objects.filter(state="done").count()
    assert all(m.raw_blob for m in inbound)


def test_the_demo_holds_the_situations_of_the_stories(db):
    demo.seed()

    vat = Conversation.objects.get(subject__startswith="Faktura VAT")
    assert vat.messages.filter(kind=Message.Kind.INBOUND).count() == 2
    assert vat.waiting_since is not None
    follow_up = vat.messages.order_by("created_at").last()
    assert "Uprzejmie pytam" in follow_up.body_text
    assert "Uprzejmie pytam" not in follow_up.new_text
    auto = Message.objects.get(is_auto_reply=True)
    assert auto.conversation.status == "pending"
    assert Message.objects.filter(kind=Message.Kind.NOTE).count() >= 2
    assert Message.objects.filter(kind=Message.Kind.OUTBOUND, sender="agent").count() >= 3
    received = sorted(Conversation.objects.values_list("created_at", flat=True))
    assert (received[-1] - received[0]).days >= 3
