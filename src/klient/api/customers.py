"""/customers/{id} and /organisations/{id}: who owns them (the personal advisor, the
account manager), whom routing tries first for their new conversations.

A customer is in an agent's scope when one of its conversations is (klient.conversations
.access): outside it, 404 as for an unknown customer. Any agent who sees the customer may
change its owner, as they may assign its conversations; an organisation's owner is an
administrator's choice (403 to an agent who sees one of its customers, 404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from klient.conversations.access import conversations_in_scope
from klient.people import ownership
from klient.people.access import check_administrator, is_admin
from klient.people.models import Customer, Organisation
from klient.people.queries import agents_by_id

from .auth import caller
from .schemas import AgentRef, ErrorOut
from .serializers import agent_ref

router = Router(tags=["customers"])


class OwnerPatch(Schema):
    owner: int | None = Field(..., description="An agent id, or null for no owner.")


class CustomerOut(Schema):
    id: int
    name: str
    organisation: int | None
    owner: AgentRef | None = Field(
        ..., description="The customer's own owner (not the organisation's)."
    )


class OrganisationOut(Schema):
    id: int
    name: str
    tier: str
    owner: AgentRef | None


def _owner(agent_id: int | None) -> Any:
    if agent_id is None:
        return None
    found, _unknown = agents_by_id([agent_id])
    if not found:
        raise ValidationError({"owner": _("No agent with the id %(ids)s.") % {"ids": agent_id}})
    return found[0]


def _sees_customers(user: Any, **customer: Any) -> bool:
    return conversations_in_scope(user).filter(**customer).exists()


def customer_out(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "organisation": customer.organisation_id,
        "owner": agent_ref(customer.owner),
    }


@router.patch(
    "/customers/{id}",
    response={200: CustomerOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set or clear a customer's personal owner",
)
def update_customer(request: HttpRequest, id: int, payload: OwnerPatch) -> Any:
    user = caller(request)
    customer = Customer.objects.filter(pk=id).first()
    if customer is None or not (is_admin(user) or _sees_customers(user, customer_id=id)):
        raise Http404(_("No such customer."))
    customer = ownership.set_customer_owner(customer, _owner(payload.owner), actor=user)
    return customer_out(Customer.objects.select_related("owner").get(pk=customer.pk))


@router.patch(
    "/organisations/{id}",
    response={200: OrganisationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set or clear an organisation's owner (administrators)",
)
def update_organisation(request: HttpRequest, id: int, payload: OwnerPatch) -> Any:
    user = caller(request)
    organisation = Organisation.objects.filter(pk=id).first()
    check_administrator(
        user,
        sees=organisation is not None and _sees_customers(user, customer__organisation_id=id),
        refusal=_("Only administrators can change an organisation's owner."),
        missing=_("No such organisation."),
    )
    if organisation is None:
        raise Http404(_("No such organisation."))
    organisation = ownership.set_organisation_owner(organisation, _owner(payload.owner), actor=user)
    current = Organisation.objects.select_related("owner").get(pk=organisation.pk)
    return {
        "id": current.pk,
        "name": current.name,
        "tier": current.tier,
        "owner": agent_ref(current.owner),
    }
