"""`{% customer_panel conversation as customer %}`: who the customer is and what else they
asked — their identities, organisation and other conversations, only those the viewer may
see (klient.conversations.access), and their personal owner (theirs, else their
organisation's). Four queries at most, three without an owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.contrib.auth import get_user_model

from klient.conversations.access import conversations_in_scope
from klient.conversations.models import Conversation
from klient.people.models import Identity, Organisation

register = template.Library()

OTHER_CONVERSATIONS = 10


@dataclass(frozen=True)
class CustomerPanel:
    name: str
    emails: list[str]
    phones: list[str]
    organisation: str
    others: list[Conversation]
    more: bool  # more than OTHER_CONVERSATIONS others
    owner: str = ""  # the personal owner's name; "" for none


@register.simple_tag(takes_context=True)
def customer_panel(context: template.Context, conversation: Any) -> CustomerPanel:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    customer = conversation.customer
    identities = list(
        Identity.objects.filter(customer_id=customer.pk)
        .order_by("kind", "id")
        .values_list("kind", "value")
    )
    organisation = ""
    owner_id = customer.owner_id
    if customer.organisation_id:
        organisation, organisation_owner = Organisation.objects.filter(
            pk=customer.organisation_id
        ).values_list("name", "owner_id").first() or ("", None)
        owner_id = owner_id or organisation_owner
    owner = ""
    if owner_id is not None:
        user = get_user_model().objects.filter(pk=owner_id).first()
        owner = (user.get_full_name() or user.username) if user is not None else ""
    others = list(
        conversations_in_scope(user)
        .filter(customer_id=customer.pk)
        .exclude(pk=conversation.pk)
        .only("pk", "subject", "status", "updated_at")
        .order_by("-updated_at", "-id")[: OTHER_CONVERSATIONS + 1]
    )
    return CustomerPanel(
        name=customer.name,
        emails=[value for kind, value in identities if kind == Identity.Kind.EMAIL],
        phones=[value for kind, value in identities if kind == Identity.Kind.PHONE],
        organisation=organisation,
        others=others[:OTHER_CONVERSATIONS],
        more=len(others) > OTHER_CONVERSATIONS,
        owner=owner,
    )
