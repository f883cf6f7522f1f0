"""The demo data includes collab: one open question to Billing, one follow-up."""

import pytest

from klient import demo
from klient.collab.models import ColleagueRequest, FollowUp


@pytest.mark.django_db
def test_the_demo_has_one_open_question_and_one_follow_up_once():
    demo.seed()
    assert ColleagueRequest.objects.filter(state="open").count() == 1
    assert FollowUp.objects.filter(state="scheduled").count() == 1
    demo.seed(force=True)
    assert ColleagueRequest.objects.count() == 1
