"""A customer's data exported or erased, and teams' retention rules (docs/privacy.md).

- GET  /customers/{id}/export  → a zip: customer.json and the customer's files
- GET  /customers/{id}/erase   → the erasure's preview: counts per kind, nothing changed
- POST /customers/{id}/erase   {"confirm": true} → erases; without confirm: 422 + preview
- GET/PUT /teams/{id}/retention {"erase_closed_after_months": N | null}

Administrators only: an agent who sees the customer (or belongs to the team) gets 403,
anyone else 404, as for an id that does not exist."""

from __future__ import annotations

import json
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from klient.conversations.access import conversations_in_scope
from klient.core.transactions import entry_point
from klient.people.access import check_administrator, is_member
from klient.people.models import Customer, Team
from klient.privacy import actions
from klient.privacy.export import counts, export_file
from klient.privacy.models import RetentionRule

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["privacy"])


class ErasureIn(Schema):
    confirm: bool = Field(False, description="true to erase; anything else only previews.")


class ErasureOut(Schema):
    customer: int
    erased: bool = Field(..., description="false for a preview: nothing was changed.")
    counts: dict[str, int] = Field(..., description="Rows of each kind erased (or to erase).")


class RefusedErasureOut(Schema):
    detail: str
    preview: dict[str, int]


class RetentionIn(Schema):
    erase_closed_after_months: int | None = Field(
        ..., description="Erase conversations solved or closed this many months ago; null: never."
    )


class RetentionOut(Schema):
    team: int
    erase_closed_after_months: int | None


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    user = caller(request)
    customer = Customer.objects.filter(pk=customer_id).first()
    check_administrator(
        user,
        sees=customer is not None
        and conversations_in_scope(user).filter(customer=customer).exists(),
        refusal=_("Only administrators can export or erase a customer's data."),
        missing=_("No such customer."),
    )
    if customer is None:
        raise Http404(_("No such customer."))
    return customer


def _team(request: HttpRequest, team_id: int) -> Team:
    user = caller(request)
    team = Team.objects.filter(pk=team_id).first()
    check_administrator(
        user,
        sees=team is not None and is_member(user, team.pk),
        refusal=_("Only administrators can set a team's retention rule."),
        missing=_("No such team."),
    )
    if team is None:
        raise Http404(_("No such team."))
    return team


@router.get(
    "/customers/{id}/export",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Everything Klient holds about a customer, as a zip (administrators)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "customer.json and the customer's files (docs/privacy.md)",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_customer(request: HttpRequest, id: int) -> Any:
    customer = _customer(request, id)
    handle, data = export_file(customer)
    with entry_point():
        actions.record_export(customer, actor=caller(request), counts=counts(data))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"customer-{customer.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/customers/{id}/erase",
    response={200: ErasureOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Preview a customer's erasure: what it would erase, per kind; changes nothing",
)
def preview_erasure(request: HttpRequest, id: int) -> Any:
    customer = _customer(request, id)
    return {
        "customer": customer.pk,
        "erased": False,
        "counts": actions.preview_customer_erasure(customer),
    }


@router.post(
    "/customers/{id}/erase",
    response={
        200: ErasureOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: RefusedErasureOut,
    },
    summary='Erase a customer\'s personal data, keeping anonymised tombstones ({"confirm": true})',
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ErasureIn.model_json_schema()}},
        }
    },
)
def erase_customer(request: HttpRequest, id: int) -> Any:
    """The body is read here, not by a schema: without one, or without `"confirm": true`,
    the answer is the 422 with the preview, whatever else the body holds."""
    customer = _customer(request, id)
    if not _confirmed(request.body):
        return Status(
            422,
            {
                "detail": _('Nothing was erased: send {"confirm": true} to erase this data.'),
                "preview": actions.preview_customer_erasure(customer),
            },
        )
    counts_ = actions.erase_customer(customer, actor=caller(request))
    return {"customer": customer.pk, "erased": True, "counts": counts_}


def _confirmed(body: bytes) -> bool:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("confirm") is True


def _retention_out(team: Team) -> dict[str, Any]:
    rule = RetentionRule.objects.filter(team=team).first()
    return {
        "team": team.pk,
        "erase_closed_after_months": rule.erase_closed_after_months if rule else None,
    }


@router.get(
    "/teams/{id}/retention",
    response={200: RetentionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A team's retention rule (administrators); null keeps conversations for ever",
)
def get_retention(request: HttpRequest, id: int) -> Any:
    return _retention_out(_team(request, id))


@router.put(
    "/teams/{id}/retention",
    response={200: RetentionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set a team's retention rule (administrators): erased daily by the worker",
)
def put_retention(request: HttpRequest, id: int, payload: RetentionIn) -> Any:
    team = _team(request, id)
    actions.set_retention(team, months=payload.erase_closed_after_months, actor=caller(request))
    return _retention_out(team)
