"""The OpenAPI document loads and describes every endpoint, all behind a bearer token."""

from klient.api.urls import api

PATHS = {
    "/api/v1/conversations": {"get", "post"},
    "/api/v1/conversations/{ref}": {"get", "patch"},
    "/api/v1/conversations/{ref}/replies": {"post"},
    "/api/v1/conversations/{ref}/check-reply": {"post"},
    "/api/v1/conversations/{ref}/notes": {"post"},
    "/api/v1/attachments/{id}": {"get"},
    "/api/v1/messages/{id}/resend": {"post"},
    "/api/v1/uploads": {"post"},
    "/api/v1/quarantine": {"get"},
    "/api/v1/quarantine/{id}/retry": {"post"},
    "/api/v1/quarantine/{id}/discard": {"post"},
    "/api/v1/sla/policies": {"get", "post"},
    "/api/v1/sla/policies/{id}": {"get", "patch", "delete"},
    "/api/v1/teams/{id}/business-hours": {"get", "put"},
    "/api/v1/reports/sla": {"get"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/read": {"post"},
    "/api/v1/macros": {"get"},
    "/api/v1/macros/{id}/render": {"get"},
    "/api/v1/conversations/{ref}/colleague-requests": {"post"},
    "/api/v1/colleague-requests": {"get"},
    "/api/v1/colleague-requests/{id}/answer": {"post"},
    "/api/v1/conversations/{ref}/follow-up": {"post"},
    "/api/v1/conversations/{ref}/merge": {"post"},
    "/api/v1/agents/{id}/working-hours": {"get", "put"},
    "/api/v1/agents/{id}/absences": {"get", "post"},
    "/api/v1/agents/{id}/absences/{absence_id}": {"delete"},
    "/api/v1/conversations/{ref}/draft": {"get", "put", "delete"},
    "/api/v1/messages/{id}/undo": {"post"},
    "/api/v1/teams": {"get", "post"},
    "/api/v1/teams/{id}": {"get", "patch"},
    "/api/v1/agents": {"get", "post"},
    "/api/v1/agents/{id}": {"get", "patch"},
    "/api/v1/agents/{id}/tokens": {"post"},
    "/api/v1/customers/{id}": {"patch"},
    "/api/v1/organisations/{id}": {"patch"},
    "/api/v1/agents/me/status": {"put"},
    "/api/v1/routing/rules": {"get", "post"},
    "/api/v1/routing/rules/{id}": {"patch", "delete"},
    "/api/v1/routing/preview": {"post"},
    "/api/v1/agents/{id}/routing": {"patch"},
    "/api/v1/routing/weights": {"get", "put"},
    # Calls and telephony webhooks (issue 14).
    "/api/v1/conversations/{ref}/calls": {"post"},
    "/api/v1/telephony/{provider}": {"post"},
    "/api/v1/conversations/{ref}/transfer": {"post"},
    "/api/v1/reports/transfers": {"get"},
    "/api/v1/callbacks": {"get", "post"},
    "/api/v1/callbacks/{id}/attempts": {"post"},
    # Outgoing webhooks (issue 18).
    "/api/v1/webhooks": {"get", "post"},
    "/api/v1/webhooks/{id}": {"get", "patch", "delete"},
    "/api/v1/webhooks/{id}/rotate-secret": {"post"},
    "/api/v1/webhooks/{id}/deliveries": {"get"},
    "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay": {"post"},
    # Agents' external calendars (issue 15).
    "/api/v1/agents/{id}/calendars": {"get", "post"},
    "/api/v1/agents/{id}/calendars/{calendar_id}": {"delete"},
    "/api/v1/agents/{id}/calendars/{calendar_id}/sync": {"post"},
    # Satisfaction surveys (issue 18).
    "/api/v1/teams/{id}/csat": {"get", "put"},
    "/api/v1/reports/csat": {"get"},
    # Booking types, their public slots and public booking (issue 15).
    "/api/v1/booking-types": {"get", "post"},
    "/api/v1/booking-types/{id}": {"get", "patch", "delete"},
    "/api/v1/booking-types/{slug}/slots": {"get"},
    "/api/v1/bookings": {"post"},
    # When an appointment goes wrong (issue 15, items 7 and 8).
    "/api/v1/appointments/{id}/lost-connection": {"post"},
    "/api/v1/appointments/{id}/missed": {"post"},
    # Appointments for agents: read, cancel, reschedule (issue 15).
    "/api/v1/appointments": {"get"},
    "/api/v1/appointments/{id}": {"get"},
    "/api/v1/appointments/{id}/cancel": {"post"},
    "/api/v1/appointments/{id}/reschedule": {"post"},
    # A customer's data exported or erased, retention rules (issue 18).
    "/api/v1/customers/{id}/export": {"get"},
    "/api/v1/customers/{id}/erase": {"get", "post"},
    "/api/v1/teams/{id}/retention": {"get", "put"},
    # Automation rules (issue 18).
    "/api/v1/automations": {"get", "post"},
    "/api/v1/automations/{id}": {"get", "patch", "delete"},
    "/api/v1/automations/{id}/preview": {"post"},
    # The tone guard (issue 17).
    "/api/v1/insights/tone": {"post"},
    # Recurring topics and corrective actions (issue 17).
    "/api/v1/topics": {"get"},
    "/api/v1/corrective-actions": {"get", "post"},
    "/api/v1/corrective-actions/{id}": {"get", "patch"},
    # Customer sentiment and recovery tasks (issue 17, klient.sentiment).
    "/api/v1/insights/sentiment": {"post"},
    "/api/v1/recovery-tasks": {"get"},
    "/api/v1/recovery-tasks/{id}/close": {"post"},
    # Promises (issue 17).
    "/api/v1/insights/promises": {"post"},
    "/api/v1/promises": {"get"},
    "/api/v1/promises/{id}/confirm": {"post"},
    "/api/v1/promises/{id}/kept": {"post"},
    "/api/v1/promises/{id}/dismiss": {"post"},
    "/api/v1/reports/promises": {"get"},
    # Live chat: a visitor opens a chat from the widget (issue 16).
    "/api/v1/chat/sessions": {"post"},
}
# Operations a caller proves otherwise than by a token: a provider signs its webhook.
SIGNED_NOT_TOKEN = {("post", "/api/v1/telephony/{provider}")}
# Operations open to anyone on purpose: a visitor books without an account (issue 15).
# A visitor opens a chat from the widget, with no account either (issue 16).
PUBLIC = {
    ("get", "/api/v1/booking-types/{slug}/slots"),
    ("post", "/api/v1/bookings"),
    ("post", "/api/v1/chat/sessions"),
}


def test_the_openapi_document_is_served_and_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Klient API"
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS


def test_every_operation_requires_the_bearer_token():
    schema = api.get_openapi_schema()

    schemes = schema["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (method, path) in SIGNED_NOT_TOKEN | PUBLIC:
                assert not operation.get("security")
                continue
            assert operation.get("security"), f"{method.upper()} {path} is not protected"


def test_the_inbox_filters_are_documented():
    schema = api.get_openapi_schema()

    parameters = schema["paths"]["/api/v1/conversations"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {
        "status",
        "team",
        "assignee",
        "customer",
        "q",
        "language",
        "channel",
        "tag",
        "automatic",
        "sort",
        "cursor",
        "limit",
    }


def test_an_unknown_endpoint_is_a_json_404(client, db):
    response = client.get("/api/v1/tickets")

    assert response.status_code == 404
    assert "openapi.json" in response.json()["detail"]
