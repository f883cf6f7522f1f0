"""The REST API under /api/v1 (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every operation needs `Authorization: Bearer <token>`. Errors are JSON {"detail": ...}:
401 without a valid token, 404 for anything outside the caller's scope (never 403 for
an object, so its existence does not leak), 422 when an action refuses the change, 409
for an upload already attached to a message, 413 for a file over KLIENT_MAX_MESSAGE_BYTES."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError

from klient.conversations.uploads import AlreadyAttached, UploadTooLarge

from . import attachments, conversations, deliveries, quarantine, sla, uploads
from .auth import BearerToken

api = NinjaAPI(
    title="Klient API",
    version="1",
    description=(
        "Conversations, replies, notes, uploads, attachments, drafts, the mail quarantine, "
        "and the desk's teams and agents."
    ),
    urls_namespace="api",
    auth=BearerToken(),
)
api.add_router("/conversations", conversations.router)
api.add_router("/attachments", attachments.router)
api.add_router("", deliveries.router)  # /messages/{id}/resend
api.add_router("/uploads", uploads.router)
api.add_router("/quarantine", quarantine.router)
api.add_router("/notifications", __import__("klient.api.notifications", fromlist=["router"]).router)
api.add_router("", sla.router)  # /sla/policies, /teams/{id}/business-hours, /reports/sla
api.add_router("", __import__("klient.api.collab", fromlist=["router"]).router)  # collab
api.add_router("/macros", __import__("klient.api.macros", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.merge", fromlist=["router"]).router)  # merge (h9)
api.add_router("", __import__("klient.api.agents", fromlist=["router"]).router)  # calendars
api.add_router("", __import__("klient.api.drafts", fromlist=["router"]).router)  # drafts, undo
api.add_router("", __import__("klient.api.teams", fromlist=["router"]).router)  # administration
api.add_router("", __import__("klient.api.agent_admin", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.customers", fromlist=["router"]).router)  # owners (h14)
api.add_router("", __import__("klient.api.routing", fromlist=["router"]).router)  # routing (h14)

# Calls and telephony webhooks (issue 14).
api.add_router("", __import__("klient.api.phone", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.transfers", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.external_calendars", fromlist=["router"]).router)  # h15

# Outgoing webhooks (issue 18).
api.add_router("", __import__("klient.api.webhooks", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.surveys", fromlist=["router"]).router)  # CSAT (h18)

# Booking types and their public slots (issue 15).
api.add_router("", __import__("klient.api.scheduling", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.appointment_care", fromlist=["router"]).router)  # h15
api.add_router("", __import__("klient.api.appointments", fromlist=["router"]).router)
# A customer's data exported or erased, teams' retention rules (issue 18).
api.add_router("", __import__("klient.api.privacy", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.automations", fromlist=["router"]).router)  # h18
api.add_router("", __import__("klient.api.tone", fromlist=["router"]).router)  # tone (h17)
# Recurring topics and corrective actions (issue 17).
api.add_router("", __import__("klient.api.voice", fromlist=["router"]).router)
api.add_router("", __import__("klient.api.sentiment", fromlist=["router"]).router)  # h17
api.add_router("", __import__("klient.api.promises", fromlist=["router"]).router)  # h17
api.add_router("", __import__("klient.api.chat", fromlist=["router"]).router)  # live chat (h16)

# Last, so it only catches what no router above knows: a JSON 404, not Django's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_endpoint(request: HttpRequest, rest: str) -> Any:
    raise Http404("No such endpoint; see /api/v1/openapi.json for the ones there are.")


api.add_router("", fallback)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "A valid API token is required: send 'Authorization: Bearer <token>'."},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="klient"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(AlreadyAttached)
def _conflict(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)


@api.exception_handler(UploadTooLarge)
def _too_large(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=413)


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


@api.exception_handler(SchemaValidationError)
def _invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    problems = "; ".join(_describe(e) for e in exc.errors) or "Invalid request."
    return api.create_response(
        request, {"detail": problems, "errors": _plain(exc.errors)}, status=422
    )


def _describe(error: dict[str, Any]) -> str:
    # loc is (location, argument, field...): ("body", "payload", "body") names "body".
    loc = [str(p) for p in error.get("loc", ())][1:]
    where = ".".join(loc[1:] if len(loc) > 1 else loc)
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))


def _plain(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic errors without the parts that are not JSON (ctx may hold exceptions)."""
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in errors
    ]
