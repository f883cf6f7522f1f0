"""A team's topics are recomputed by durable work after its customers write, never in a
request: the same complaint over weeks is one topic whose id survives recomputations."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klient.core.models import Event
from klient.voice import refresh
from klient.voice.models import Topic, TopicMessage, TopicRefresh, TopicWeek
from support import worker_runs

ADVISOR = [
    "Nie mogę się dodzwonić do mojego doradcy, nikt nie oddzwania.",
    "Doradca znowu nie odbiera telefonu, obiecał oddzwonić i nie oddzwonił.",
    "Od tygodnia próbuję złapać doradcę, nikt nie oddzwania.",
    "Mój doradca nie oddzwonił, a sprawa jest pilna.",
    "Doradca nadal nie oddzwonił, kto go zastępuje?",
]
OTHERS = ["Jakie są godziny otwarcia oddziału?", "Dziękuję za pomoc z przelewem."]


def test_messages_make_their_team_due_and_the_sweep_writes_topics(support_team, weeks_of_messages):
    weeks_of_messages(support_team, [(4 - n, text) for n, text in enumerate(ADVISOR)])
    weeks_of_messages(support_team, [(0, text) for text in OTHERS], sender="inny@bank.example")

    worker_runs()

    [topic] = Topic.objects.filter(team=support_team)
    assert topic.language == "pl" and topic.active
    assert topic.volume == 5
    assert {"doradca", "doradcy", "oddzwonił", "oddzwania"} & set(topic.label)
    assert sorted(TopicWeek.objects.filter(topic=topic).values_list("volume", flat=True)) == [1] * 5
    assert TopicMessage.objects.filter(topic=topic).count() == 5
    assert TopicRefresh.objects.get(team=support_team).state == "done"
    assert Event.objects.filter(kind="voice.topics_refreshed").count() == 1


def test_a_later_recomputation_keeps_the_topic_and_adds_its_new_week(
    support_team, weeks_of_messages
):
    weeks_of_messages(support_team, [(5 - n, text) for n, text in enumerate(ADVISOR[:4])])
    worker_runs()
    [before] = Topic.objects.filter(team=support_team)

    weeks_of_messages(support_team, [(0, ADVISOR[4])])
    worker_runs()

    [after] = Topic.objects.filter(team=support_team)
    assert after.pk == before.pk
    assert after.volume == 5
    assert after.last_seen > before.last_seen


def test_a_refresh_done_more_than_a_day_ago_is_due_again(support_team, weeks_of_messages):
    weeks_of_messages(support_team, [(n, text) for n, text in enumerate(ADVISOR)])
    worker_runs()
    row = TopicRefresh.objects.get(team=support_team)

    assert refresh.refresh_due_topics() == 0
    assert refresh.refresh_due_topics(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    row.refresh_from_db()
    assert row.state == "done"


def test_a_topic_found_no_more_keeps_its_row_inactive(support_team, weeks_of_messages, settings):
    weeks_of_messages(support_team, [(10 + n, text) for n, text in enumerate(ADVISOR)])
    worker_runs()
    [topic] = Topic.objects.filter(team=support_team)

    settings.KLIENT_VOICE_WEEKS = 4  # the complaint is now older than the window
    refresh.request_refresh([support_team.pk])
    worker_runs()

    topic.refresh_from_db()
    assert not topic.active and topic.trend == "gone"
    # Its history before the window stays as it was counted.
    assert TopicWeek.objects.filter(topic=topic).count() == 5


def test_automatic_replies_are_not_the_customers_voice(support_team, receive, settings):
    settings.KLIENT_VOICE_REFRESH_SECONDS = 0
    for text in ADVISOR:
        receive(support_team, "robot@bank.example", "Auto", text, is_auto_reply=True)
    worker_runs()
    assert not Topic.objects.exists()


def test_call_transcripts_are_read_like_messages(support_team, agent_anna, receive, settings):
    from klient.phone.actions import log_call

    settings.KLIENT_VOICE_REFRESH_SECONDS = 0
    for n, text in enumerate(ADVISOR[:3]):
        first = receive(support_team, f"k{n}@bank.example", "Kontakt", OTHERS[n % 2], language="pl")
        log_call(
            first.conversation,
            actor=agent_anna,
            direction="inbound",
            number=f"+4860123456{n}",
            outcome="answered",
            transcript=text,
        )
        # A call without a transcript is only Klient's wording of it: not her words.
        log_call(
            first.conversation,
            actor=agent_anna,
            direction="inbound",
            number=f"+4860123457{n}",
            outcome="answered",
        )
    worker_runs()
    [topic] = Topic.objects.filter(team=support_team)
    assert topic.volume == 3
    assert set(TopicMessage.objects.values_list("message__call__transcript", flat=True)) == set(
        ADVISOR[:3]
    )
