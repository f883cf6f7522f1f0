"""The people Event kinds (written by people.actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind


class Kind(EventKind):
    CUSTOMER_CREATED = "customer.created", _("Customer created")
    TEAM_CREATED = "team.created", _("Team created")
    AGENT_CREATED = "agent.created", _("Agent created")
    IDENTITY_ADDED = "customer.identity_added", _("Customer identity added")
    IDENTITY_PROVEN = "customer.identity_proven", _("Customer identity proven")
    ENDPOINT_ADDED = "team.endpoint_added", _("Team endpoint added")
