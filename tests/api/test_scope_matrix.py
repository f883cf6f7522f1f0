"""Every API endpoint with an object in its path answers 404 outside the caller's scope,
and those only administrators may use answer 403 to an agent who sees the object.

The matrix is generated from the OpenAPI document: a new object path that this file does
not know how to fill makes test_every_object_path_is_covered fail until it is added."""

import pytest

from klient.api.urls import api
from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.mail import actions
from klient.mail.models import InboundMail

SCHEMA = api.get_openapi_schema()
OBJECT_OPERATIONS = sorted(
    (path, method)
    for path, operations in SCHEMA["paths"].items()
    if "{" in path
    # A telephony webhook names a provider, not an object: the signature is its scope
    # (tests/phone/test_telephony_webhooks.py).
    and not path.startswith("/api/v1/telephony/")
    # A booking type's free slots are public (no token): nobody is outside their scope
    # (tests/scheduling/test_slots_rules.py).
    and not path.endswith("/slots")
    for method in operations
)

# What fills each templated path: a Support conversation, one of its attachments, or a
# quarantined mail (in nobody's scope but an administrator's).
TARGETS = {
    "/api/v1/conversations/{ref}": "conversation",
    "/api/v1/conversations/{ref}/replies": "conversation",
    "/api/v1/conversations/{ref}/notes": "conversation",
    "/api/v1/attachments/{id}": "attachment",
    "/api/v1/messages/{id}/resend": "failed_reply",
    "/api/v1/quarantine/{id}/retry": "inbound",
    "/api/v1/quarantine/{id}/discard": "inbound",
    "/api/v1/sla/policies/{id}": "sla_policy",
    "/api/v1/teams/{id}/business-hours": "team",
    "/api/v1/macros/{id}/render": "macro",
    "/api/v1/conversations/{ref}/colleague-requests": "conversation",
    "/api/v1/conversations/{ref}/follow-up": "conversation",
    "/api/v1/colleague-requests/{id}/answer": "colleague_request",
    "/api/v1/conversations/{ref}/merge": "conversation",
    "/api/v1/conversations/{ref}/check-reply": "conversation",
    "/api/v1/agents/{id}/working-hours": "agent",
    "/api/v1/agents/{id}/absences": "agent",
    "/api/v1/agents/{id}/absences/{absence_id}": "absence",
    "/api/v1/conversations/{ref}/draft": "conversation",
    "/api/v1/messages/{id}/undo": "held_reply",
    "/api/v1/teams/{id}": "team",
    "/api/v1/agents/{id}": "agent",
    "/api/v1/agents/{id}/tokens": "agent",
    "/api/v1/customers/{id}": "customer",  # Luc, a Support customer (issue 14's owners)
    "/api/v1/organisations/{id}": "organisation",  # Luc's organisation
    "/api/v1/routing/rules/{id}": "routing_rule",  # the desk's settings: administrators
    "/api/v1/agents/{id}/routing": "agent_routing",  # Anna's skills and capacity
    "/api/v1/conversations/{ref}/calls": "conversation",  # issue 14
    "/api/v1/conversations/{ref}/transfer": "conversation",
    "/api/v1/callbacks/{id}/attempts": "callback",
    # A team's surveys (issue 18): members read, administrators change (403: test_csat_api).
    "/api/v1/teams/{id}/csat": "team_csat",
    "/api/v1/booking-types/{id}": "booking_type",  # Anna's own booking type (issue 15)
    # Outgoing webhooks (issue 18): the desk's settings, administrators only.
    "/api/v1/webhooks/{id}": "webhook",
    "/api/v1/webhooks/{id}/rotate-secret": "webhook",
    "/api/v1/webhooks/{id}/deliveries": "webhook",
    "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay": "webhook_delivery",
    # Anna's external calendars (issue 15): hers and the administrators'.
    "/api/v1/agents/{id}/calendars": "agent",
    "/api/v1/agents/{id}/calendars/{calendar_id}": "calendar",
    "/api/v1/agents/{id}/calendars/{calendar_id}/sync": "calendar",
    "/api/v1/customers/{id}/export": "customer_data",  # issue 18: Luc's data, administrators
    "/api/v1/customers/{id}/erase": "customer_data",
    "/api/v1/teams/{id}/retention": "team",
    "/api/v1/automations/{id}": "automation_rule",  # issue 18: administrators
    "/api/v1/automations/{id}/preview": "automation_rule",
    # Anna's appointment (issue 15): hers, her teams' and the administrators'.
    "/api/v1/appointments/{id}/lost-connection": "appointment",
    "/api/v1/appointments/{id}/missed": "appointment",
    # Appointments (issue 15): Anna's own, booked on her booking type.
    "/api/v1/appointments/{id}": "appointment",
    "/api/v1/appointments/{id}/cancel": "appointment",
    "/api/v1/appointments/{id}/reschedule": "appointment",
    # A corrective action on a Support topic (issue 17): its team's lead, administrators
    # and its owner; Anna is neither here.
    "/api/v1/corrective-actions/{id}": "corrective_action",
    "/api/v1/recovery-tasks/{id}/close": "recovery_task",  # issue 17: Support's conversation
    # Promises (issue 17): those of conversations the agent sees.
    "/api/v1/promises/{id}/confirm": "promise",
    "/api/v1/promises/{id}/kept": "promise",
    "/api/v1/promises/{id}/dismiss": "promise",
}
# Valid bodies, so that a 404 cannot hide behind a 422.
BODIES = {
    ("/api/v1/conversations/{ref}", "patch"): {"status": "solved", "priority": "urgent"},
    ("/api/v1/conversations/{ref}/replies", "post"): {"body": "Leaked reply"},
    ("/api/v1/conversations/{ref}/notes", "post"): {"body": "Leaked note"},
    ("/api/v1/sla/policies/{id}", "patch"): {"warning_percent": 80},
    ("/api/v1/teams/{id}/business-hours", "put"): {
        "time_zone": "Europe/Warsaw",
        "hours": {"0": [["09:00", "17:00"]]},
    },
    ("/api/v1/conversations/{ref}/colleague-requests", "post"): {
        "question": "?",
        "team": "Support",
    },
    ("/api/v1/conversations/{ref}/follow-up", "post"): {"days": 3},
    ("/api/v1/colleague-requests/{id}/answer", "post"): {"answer": "Leaked answer"},
    # A callable body is filled from the objects: merge into a second Support conversation.
    ("/api/v1/conversations/{ref}/merge", "post"): lambda objects: {"into": objects["survivor"]},
    ("/api/v1/conversations/{ref}/check-reply", "post"): {"body": "Leaked draft"},
    ("/api/v1/quarantine/{id}/discard", "post"): {"reason": "Leaked discard"},
    ("/api/v1/agents/{id}/working-hours", "put"): {
        "time_zone": "Europe/Warsaw",
        "hours": {"0": [["09:00", "17:00"]]},
    },
    ("/api/v1/agents/{id}/absences", "post"): {
        "starts_at": "2027-01-04T09:00:00+01:00",
        "ends_at": "2027-01-05T09:00:00+01:00",
    },
    ("/api/v1/conversations/{ref}/draft", "put"): {"body": "Leaked draft"},
    ("/api/v1/teams/{id}", "patch"): {"acknowledge": True},
    ("/api/v1/agents/{id}", "patch"): {"time_zone": "Europe/Paris"},  # her own field
    ("/api/v1/agents/{id}/tokens", "post"): {"label": "leaked"},
    ("/api/v1/customers/{id}", "patch"): {"owner": None},
    ("/api/v1/organisations/{id}", "patch"): {"owner": None},
    ("/api/v1/routing/rules/{id}", "patch"): {"active": False},
    ("/api/v1/agents/{id}/routing", "patch"): {"capacity": 2.0},
    ("/api/v1/conversations/{ref}/calls", "post"): {
        "direction": "outbound",
        "number": "+48601234567",
        "outcome": "no_answer",
    },
    ("/api/v1/callbacks/{id}/attempts", "post"): {"outcome": "reached"},
    ("/api/v1/teams/{id}/csat", "put"): {
        "enabled": True,
        "delay_minutes": 0,
        "scale": "good_bad",
        "ask_comment": False,
    },
    ("/api/v1/booking-types/{id}", "patch"): {"duration_minutes": 45},
    ("/api/v1/webhooks/{id}", "patch"): {"description": "Leaked"},
    ("/api/v1/agents/{id}/calendars", "post"): {"kind": "ics", "url": "http://127.0.0.1:9/a.ics"},
    ("/api/v1/customers/{id}/erase", "post"): {"confirm": True},
    ("/api/v1/teams/{id}/retention", "put"): {"erase_closed_after_months": 12},
    ("/api/v1/automations/{id}", "patch"): {"active": False},
    ("/api/v1/recovery-tasks/{id}/close", "post"): {"outcome": "Leaked outcome"},
    ("/api/v1/appointments/{id}/missed", "post"): {"party": "customer", "reason": "power_cut"},
    ("/api/v1/appointments/{id}/cancel", "post"): {"reason": "Leaked cancel"},
    ("/api/v1/appointments/{id}/reschedule", "post"): lambda objects: {
        "start": objects["free_start"]
    },
    ("/api/v1/corrective-actions/{id}", "patch"): {"description": "Leaked change"},
    ("/api/v1/conversations/{ref}/transfer", "post"): lambda objects: {
        "agent": objects["agent"],
        "note": "Leaked handover",
    },
}
# Who may reach each kind of object (the positive control) and who may not.
INSIDERS = {"conversation": "agent_anna", "attachment": "agent_anna", "inbound": "admin_zofia"}
INSIDERS["failed_reply"] = "agent_anna"  # a Support reply the relay refused
INSIDERS.update(sla_policy="admin_zofia", team="admin_zofia")  # SLA administration
INSIDERS["macro"] = "agent_anna"  # a Support-only shared macro
INSIDERS["colleague_request"] = "agent_anna"  # asked of Support
INSIDERS.update(agent="agent_anna", absence="agent_anna")  # Anna's own calendar
INSIDERS["held_reply"] = "agent_anna"  # only its author may undo a reply
INSIDERS.update(customer="agent_anna", organisation="admin_zofia")  # owners (issue 14)
INSIDERS["routing_rule"] = "admin_zofia"
INSIDERS["agent_routing"] = "admin_zofia"

INSIDERS["callback"] = "agent_anna"  # a callback owed in a Support conversation (issue 14)
INSIDERS["team_csat"] = "admin_zofia"
INSIDERS["booking_type"] = "agent_anna"  # her own booking type (issue 15)
INSIDERS.update(webhook="admin_zofia", webhook_delivery="admin_zofia", calendar="agent_anna")
INSIDERS["customer_data"] = "admin_zofia"  # exported or erased by administrators (issue 18)
INSIDERS["automation_rule"] = "admin_zofia"  # issue 18
INSIDERS["appointment"] = "agent_anna"  # her own appointment (issue 15)
INSIDERS["corrective_action"] = "admin_zofia"  # issue 17: managers and the owner
INSIDERS["recovery_task"] = "agent_anna"  # on a Support conversation (issue 17)
INSIDERS["promise"] = "agent_anna"  # promised in a Support conversation (issue 17)
OUTSIDERS = {
    "conversation": ["agent_bruno"],
    "attachment": ["agent_bruno"],
    "failed_reply": ["agent_bruno"],
    "inbound": ["agent_bruno"],
    "sla_policy": ["agent_bruno", "agent_anna"],
    "team": ["agent_bruno"],
    "macro": ["agent_bruno"],
    "colleague_request": ["agent_bruno"],
    "agent": ["agent_bruno"],
    "absence": ["agent_bruno"],
    "held_reply": ["agent_bruno", "support_colleague"],
    "customer": ["agent_bruno"],
    "organisation": ["agent_bruno"],
    "routing_rule": ["agent_bruno", "agent_anna"],
    "agent_routing": ["agent_bruno"],
    "callback": ["agent_bruno"],
    "team_csat": ["agent_bruno"],
    "booking_type": ["agent_bruno"],
    "webhook": ["agent_bruno", "agent_anna"],
    "webhook_delivery": ["agent_bruno", "agent_anna"],
    "calendar": ["agent_bruno"],
    "customer_data": ["agent_bruno"],
    "automation_rule": ["agent_bruno", "agent_anna"],
    "appointment": ["agent_bruno"],
    "corrective_action": ["agent_bruno", "agent_anna"],
    "recovery_task": ["agent_bruno"],
    "promise": ["agent_bruno"],
}

# Who sees that the object exists but may not act on it, as non-administrators: 403.
# Anna belongs to Support: its team page and business hours, and mail sent to it.
FORBIDDEN = {"team": ["agent_anna"], "inbound": ["agent_anna"]}
FORBIDDEN["organisation"] = ["agent_anna"]  # one of its customers writes to Support
FORBIDDEN["agent_routing"] = ["agent_anna"]  # her own capacity is an administrator's choice
FORBIDDEN["customer_data"] = ["agent_anna"]  # she sees Luc, his data is an administrator's


def test_every_object_path_is_covered():
    assert {path for path, _ in OBJECT_OPERATIONS} == set(TARGETS)


def test_every_operation_with_a_body_has_a_valid_body_here():
    with_body = {
        (path, method)
        for path, method in OBJECT_OPERATIONS
        if "requestBody" in SCHEMA["paths"][path][method]
    }
    assert with_body == set(BODIES)


@pytest.fixture
def support_colleague(support_team):
    """Anna's teammate: sees her conversations, but her replies are hers to undo."""
    from klient.people.actions import create_agent

    user, token = create_agent("colleague@shop.example", name="Colleague", teams=[support_team])
    user.api_token = token
    return user


@pytest.fixture
def objects(support_team, receive, attachment_factory, luc_power_cut, agent_anna, settings):
    from klient.conversations.actions import reply
    from klient.conversations.drafts import save_draft

    attachment = attachment_factory(luc_power_cut, "photo.png", b"png", "image/png")
    settings.KLIENT_UNDO_SEND_SECONDS = 600
    waiting = receive(support_team, "luc@client.fr", "Toujours", "Encore une coupure.")
    held = reply(waiting.conversation, actor=agent_anna, body="On regarde.")
    # Sent to Support (so Support sees it exists), unreadable.
    inbound, _ = actions.accept_raw(b"not an email at all", source="smtp", team_id=support_team.pk)
    actions.quarantine(inbound, "unreadable")
    found = {
        "conversation": luc_power_cut.reference,
        "attachment": attachment.pk,
        "failed_reply": failed_reply(luc_power_cut, agent_anna).pk,
        "inbound": inbound.pk,
        "sla_policy": sla_policy().pk,
        "team": support_team.pk,
        "macro": support_macro(support_team).pk,
        "colleague_request": support_question(luc_power_cut, support_team).pk,
        "agent": agent_anna.pk,
        "absence": (agent_anna.pk, anna_absence(agent_anna).pk),
        "held_reply": held.pk,
        "callback": luc_callback(luc_power_cut).pk,
        "survivor": receive(
            support_team, "luc@client.fr", "Encore", "Re-coupure."
        ).conversation.reference,
    }
    found.update(customer_and_organisation(luc_power_cut.customer))
    found["routing_rule"] = routing_rule(support_team).pk
    found["agent_routing"] = agent_anna.pk
    found["team_csat"] = support_team.pk
    found["booking_type"] = anna_booking_type(agent_anna).pk
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = settings.KLIENT_CALENDAR_ALLOWED_HOSTS = "127.0.0.1"
    found.update(a_webhook_and_its_delivery())
    found["calendar"] = (agent_anna.pk, annas_calendar(agent_anna).pk)
    found["customer_data"] = found["customer"]
    found["automation_rule"] = automation_rule().pk
    found["appointment"], found["free_start"] = anna_appointment(agent_anna)
    found["corrective_action"] = support_corrective_action(support_team, luc_power_cut).pk
    found["recovery_task"] = recovery_task(luc_power_cut).pk
    found["promise"] = support_promise(luc_power_cut, agent_anna).pk
    # Last: sending a reply (the failed one above) deletes its author's draft there.
    save_draft(luc_power_cut, agent=agent_anna, body="Half-written")
    return found


def support_promise(conversation, agent):
    from klient.promises.actions import offer_from_message

    answer = reply_for_promise(conversation, agent, "Je vous rappelle demain.")
    return offer_from_message(answer)[0]


def reply_for_promise(conversation, agent, body):
    from klient.conversations.actions import reply

    return reply(conversation, actor=agent, body=body)


def failed_reply(conversation, agent):
    from klient.conversations.actions import record_delivery_outcome, reply

    answer = reply(conversation, actor=agent, body="Nous revenons vers vous.")
    record_delivery_outcome(answer.delivery, outcome="failed", error="550 no such user")
    return answer


def support_macro(team):
    from klient.macros.actions import save_macro
    from klient.people.actions import create_agent

    owner, _ = create_agent("lead@shop.example", name="Lead", teams=[team])
    return save_macro(actor=owner, name="Hi", texts={"en": "Hello"}, shared=True, team=team)


def support_question(conversation, team):
    from klient.collab.actions import ask
    from klient.people.actions import create_agent

    asker, _ = create_agent("asker@shop.example", name="Asker", teams=[team])
    return ask(conversation, actor=asker, question="Any idea?", team=team)


def sla_policy():
    from klient.sla.admin_actions import save_policy

    return save_policy(actor=None, name="Standard", first_reply_minutes=60)


def luc_callback(conversation):
    from klient.phone.callbacks import request_callback

    return request_callback(
        phone="+33612345678",
        window_start=None,
        window_end=None,
        time_zone="",
        source="api",
        conversation=conversation,
    )


def anna_absence(agent):
    from datetime import UTC, datetime

    from klient.people.actions import create_absence

    return create_absence(
        agent,
        actor=None,
        starts_at=datetime(2027, 2, 1, 8, tzinfo=UTC),
        ends_at=datetime(2027, 2, 2, 8, tzinfo=UTC),
    )


def customer_and_organisation(customer):
    from klient.people.models import Organisation

    customer.organisation = Organisation.objects.create(name="Martin SARL")
    customer.save(update_fields=["organisation"])
    return {"customer": customer.pk, "organisation": customer.organisation.pk}


def routing_rule(team):
    from klient.routing.rules import create_rule

    return create_rule(actor=None, name="Support chats", teams=[team.pk], channels=["chat"])


def anna_booking_type(agent):
    from klient.scheduling.actions import create_booking_type

    return create_booking_type(
        actor=agent,
        name="Call",
        slug="anna-call",
        agent=agent.pk,
        kind="phone",
        duration_minutes=30,
    )


def automation_rule():
    from klient.automations.actions import save_rule
    from klient.people.actions import create_agent

    admin, _ = create_agent("rules@shop.example", name="Rules Admin", admin=True)
    body = {
        "name": "Tag",
        "when": {"event": "message.received"},
        "then": [{"action": "add_tag", "value": "seen"}],
    }
    return save_rule(body, actor=admin)


def recovery_task(conversation):
    from klient.sentiment.actions import open_recovery_task

    return open_recovery_task(
        conversation, reasons=[{"kind": "leaving", "quote": "je résilie"}], source_key="scope"
    )


def body_for(path, method, objects):
    body = BODIES.get((path, method))
    return body(objects) if callable(body) else body


def a_webhook_and_its_delivery():
    from klient.webhooks.actions import create_endpoint, send_to_endpoint
    from klient.webhooks.models import Delivery

    endpoint, _ = create_endpoint("http://127.0.0.1:9/hook", ["conversation.created"])
    send_to_endpoint(endpoint.pk, "test.ping", {})
    delivery = Delivery.objects.get(endpoint=endpoint)
    return {"webhook": endpoint.pk, "webhook_delivery": (endpoint.pk, delivery.pk)}


def annas_calendar(agent):
    from klient.external_calendars.actions import add_calendar

    return add_calendar(agent, actor=agent, kind="ics", url="http://127.0.0.1:9/anna.ics")


def url_for(path, value):
    if isinstance(value, tuple):  # (agent id, absence or calendar id), (webhook, delivery)
        value, second = value
        for name in ("{absence_id}", "{calendar_id}", "{delivery_id}"):
            path = path.replace(name, str(second))
    for name in ("{absence_id}", "{calendar_id}", "{delivery_id}"):
        path = path.replace(name, str(value))
    return path.replace("{ref}", str(value)).replace("{id}", str(value))


@pytest.mark.parametrize(("path", "method"), OBJECT_OPERATIONS, ids=lambda v: v)
def test_an_object_outside_the_scope_is_a_404(request, call, objects, path, method):
    target = TARGETS[path]
    url = url_for(path, objects[target])
    body = body_for(path, method, objects)
    conversation = Conversation.objects.get(
        pk=Conversation.pk_from_reference(objects["conversation"])
    )
    before = (conversation.status, conversation.priority, Message.objects.count())

    for name in OUTSIDERS[target]:
        outsider = request.getfixturevalue(name)
        response = call(outsider, method, url, body)
        assert response.status_code == 404, f"{name}: {method.upper()} {url}"
        assert response.json()["detail"]

    conversation.refresh_from_db()
    assert (conversation.status, conversation.priority, Message.objects.count()) == before
    assert InboundMail.objects.get(pk=objects["inbound"]).state == "quarantined"
    # The same request reaches the object for someone in scope: the 404 was the scope.
    insider = request.getfixturevalue(INSIDERS[target])
    assert call(insider, method, url, body).status_code in (200, 201, 202, 204)


ADMIN_OPERATIONS = [(p, m) for p, m in OBJECT_OPERATIONS if TARGETS[p] in FORBIDDEN]


@pytest.mark.parametrize(("path", "method"), ADMIN_OPERATIONS, ids=lambda v: v)
def test_a_non_administrator_who_sees_the_object_gets_a_403(request, call, objects, path, method):
    target = TARGETS[path]
    url = url_for(path, objects[target])
    inbound = InboundMail.objects.get(pk=objects["inbound"])
    events_before = Event.objects.count()

    for name in FORBIDDEN[target]:
        response = call(request.getfixturevalue(name), method, url, body_for(path, method, objects))
        assert response.status_code == 403, f"{name}: {method.upper()} {url}"
        assert response.json()["detail"]

    assert Event.objects.count() == events_before
    assert InboundMail.objects.get(pk=inbound.pk).state == inbound.state == "quarantined"


@pytest.mark.parametrize(("path", "method"), OBJECT_OPERATIONS, ids=lambda v: v)
def test_an_object_that_does_not_exist_is_the_same_404(request, call, objects, path, method):
    target = TARGETS[path]
    missing = "K-999999" if target == "conversation" else 999999
    insider = request.getfixturevalue(INSIDERS[target])

    response = call(insider, method, url_for(path, missing), body_for(path, method, objects))

    assert response.status_code == 404
    assert response.json()["detail"]


def anna_appointment(agent):
    """An appointment booked on Anna's call, and a free time to move it to."""
    from datetime import UTC, datetime, timedelta

    from klient.calendars.actions import save_agent_hours
    from klient.scheduling import booking, queries
    from klient.scheduling.models import BookingType

    save_agent_hours(
        agent,
        actor=None,
        time_zone="Europe/Warsaw",
        hours={str(day): [["09:00", "17:00"]] for day in range(5)},
    )
    call = BookingType.objects.get(slug="anna-call")
    now = datetime.now(UTC)
    free = queries.free_slots(call, now, now + timedelta(days=8))
    made = booking.book(
        call, start=free[0][0], name="Luc", email="luc@client.fr", time_zone="Europe/Paris"
    )
    return made.appointment.pk, free[2][0].isoformat()


def support_corrective_action(team, conversation):
    """A corrective action on a Support topic, owned by Support's lead (not Anna)."""
    from datetime import date

    from django.utils import timezone

    from klient.people.actions import create_agent
    from klient.voice.actions import create_action
    from klient.voice.models import Topic

    lead, _ = create_agent("voice-lead@shop.example", name="Voice Lead", teams=[team])
    team.lead = lead
    team.save(update_fields=["lead"])
    today = timezone.localdate()
    topic = Topic.objects.create(
        team=team,
        language="fr",
        label=["coupure"],
        signature={"coupur": 1.0},
        volume=3,
        first_seen=today,
        last_seen=today,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return create_action(
        topic,
        actor=lead,
        owner=lead,
        due_date=date(2031, 1, 31),
        description="Coupures: un plan",
        conversations=[conversation],
    )
