"""One writer for SLA policies (klient.sla.admin_actions.save_policy): a policy can be
placed at a chosen position, and every save is one sla.policy_saved event — the kind an
administrator's change has, distinct from a conversation moving to another policy."""

from __future__ import annotations

from klient.core.models import Event
from klient.sla.admin_actions import save_policy


def test_a_policy_is_placed_last_unless_a_position_is_given(db):
    first = save_policy(actor=None, name="First", first_reply_minutes=60)
    last = save_policy(actor=None, name="Last", first_reply_minutes=60)
    early = save_policy(actor=None, name="Early", position=5, first_reply_minutes=60)

    assert (first.position, last.position, early.position) == (0, 10, 5)


def test_moving_a_policy_by_position_is_recorded_as_a_change(db):
    policy = save_policy(actor=None, name="Standard", first_reply_minutes=60)

    save_policy(actor=None, policy=policy, position=100)

    policy.refresh_from_db()
    assert policy.position == 100
    saved = list(Event.objects.filter(kind="sla.policy_saved").order_by("id"))
    assert [e.data["created"] for e in saved] == [True, False]
    assert saved[1].data["changed"] == ["position"]
    assert saved[1].conversation is None
    assert not Event.objects.filter(kind__in=["sla.policy_changed", "sla.policy_created"]).exists()
