"""Demo data: one open question to Billing and one solved conversation that checks back."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from klient.conversations.models import Conversation
from klient.people.models import Team

from .actions import ask
from .followups import solve_and_check_back
from .models import ColleagueRequest, FollowUp


def seed_demo() -> None:
    """Once: Anna asks Billing about the lost phone's replacement SIM, and solves the SIM
    error with a check back in 3 days (story 3). Quietly does nothing if the demo
    conversations or agents are missing."""
    anna = get_user_model().objects.filter(username="anna@klient.localhost").first()
    billing = Team.objects.filter(name="Billing").first()
    if anna is None or billing is None:
        return
    lost_phone = Conversation.objects.filter(subject__startswith="Lost my phone").first()
    if lost_phone is not None and not ColleagueRequest.objects.exists():
        ask(
            lost_phone,
            actor=anna,
            team=billing,
            question="Tom lost his phone and needs a replacement SIM: can we waive the "
            "replacement fee on his next invoice? He has been a customer for six years.",
        )
    sim_error = Conversation.objects.filter(subject__startswith="Błąd karty SIM").first()
    if sim_error is not None and not FollowUp.objects.exists():
        solve_and_check_back(sim_error, actor=anna, days=3)
