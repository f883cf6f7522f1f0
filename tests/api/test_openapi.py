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
    # Automation rules (issue 18).
    "/api/v1/automations": {"get", "post"},
    "/api/v1/automations/{id}": {"get", "patch", "delete"},
    "/api/v1/automations/{id}/preview": {"post"},
}
# Operations a caller proves otherwise than by a token: a provider signs its webhook.
SIGNED_NOT_TOKEN = {("post", "/api/v1/telephony/{provider}")}


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
            if (method, path) in SIGNED_NOT_TOKEN:
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
        "sort",
        "cursor",
        "limit",
    }


def test_an_unknown_endpoint_is_a_json_404(client, db):
    response = client.get("/api/v1/tickets")

    assert response.status_code == 404
    assert "openapi.json" in response.json()["detail"]
