"""What a team's or an agent's settings may be: languages, time zones, names, addresses.

Each check takes what a caller gave and returns it in its stored form, or raises
ValidationError with a message that names the value. `collect` runs several checks and
reports every refusal at once, keyed by field, so a form shows each next to its field and
the API answers them together."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .identities import normalise_email
from .models import Endpoint, Team

MAX_SIGNATURE = 10_000
MAX_TEAM_NAME = 100


def collect(checks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run each check (field -> a function returning the field's stored value); raise one
    ValidationError keyed by field with every refusal, or return the values."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return values


# -- languages and time zones ----------------------------------------------------------------


def ui_languages() -> dict[str, str]:
    """The languages Klient's pages and emails are written in: code -> name."""
    return dict(settings.LANGUAGES)


def check_language(code: str) -> str:
    """The UI and notification language: one Klient speaks, or "" (the browser's)."""
    code = str(code or "").strip().lower()
    if code and code not in ui_languages():
        raise ValidationError(
            _("Klient is not translated into %(code)s; choose one of %(codes)s.")
            % {"code": code, "codes": ", ".join(ui_languages())}
        )
    return code


def check_spoken_languages(codes: Iterable[str]) -> list[str]:
    """Languages an agent speaks with customers (routing): known language codes such as
    pl, en or pt-br, lower case, each once, in the order given."""
    if isinstance(codes, str):
        codes = codes.replace(",", " ").split()
    cleaned: list[str] = []
    unknown: list[str] = []
    for given in codes:
        code = str(given).strip().lower().replace("_", "-")
        if not code:
            continue
        if code not in LANG_INFO:
            unknown.append(code)
        elif code not in cleaned:
            cleaned.append(code)
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s (use codes such as pl, en or pt-br).")
            % {"codes": ", ".join(unknown)}
        )
    return cleaned


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_names() -> list[str]:
    """Every IANA time zone name, sorted: what a time zone may be."""
    return sorted(_time_zones())


def check_time_zone(name: str) -> str:
    name = str(name or "").strip()
    if name not in _time_zones():
        raise ValidationError(
            _("%(zone)s is not a time zone; use a name such as Europe/Warsaw.")
            % {"zone": name or '""'}
        )
    return name


def check_signature(text: str) -> str:
    text = str(text or "").strip()
    if len(text) > MAX_SIGNATURE:
        raise ValidationError(_("A signature is at most 10,000 characters."))
    return text


# -- teams -----------------------------------------------------------------------------------


def check_team_name(name: str, *, team: Team | None = None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError(_("A team needs a name."))
    if len(name) > MAX_TEAM_NAME:
        raise ValidationError(_("A team name is at most 100 characters."))
    others = Team.objects.filter(name__iexact=name)
    if team is not None:
        others = others.exclude(pk=team.pk)
    if others.exists():
        raise ValidationError(_("A team named %(name)s already exists.") % {"name": name})
    return name


def check_address(address: str) -> str:
    value = normalise_email(str(address or ""))
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("%(address)s is not an email address.") % {"address": value or '""'}
        ) from None
    return value


def check_addresses(addresses: Sequence[str], *, team: Team | None = None) -> list[str]:
    """A team's email addresses, the primary one first: at least one, each once (case
    does not matter), none another team's."""
    cleaned: list[str] = []
    for address in addresses:
        value = check_address(address)
        if value in cleaned:
            raise ValidationError(
                _("The address %(address)s is listed twice.") % {"address": value}
            )
        cleaned.append(value)
    if not cleaned:
        raise ValidationError(_("A team needs at least one email address."))
    owners = Endpoint.objects.filter(kind=Endpoint.Kind.EMAIL, value__in=cleaned)
    primaries = Team.objects.annotate(address=Lower("inbound_address")).filter(address__in=cleaned)
    if team is not None:
        owners = owners.exclude(team=team)
        primaries = primaries.exclude(pk=team.pk)
    taken = dict(owners.values_list("value", "team__name"))
    taken.update(primaries.values_list("address", "name"))
    for value in cleaned:
        if value in taken:
            raise ValidationError(
                _("The address %(address)s already belongs to a team (%(team)s).")
                % {"address": value, "team": taken[value]}
            )
    return cleaned


# -- agents ----------------------------------------------------------------------------------


def check_agent_email(address: str, *, agent: Any = None) -> str:
    """An agent's email address, which is also their sign-in name: unused by another."""
    from django.contrib.auth import get_user_model

    value = check_address(address)
    users = get_user_model().objects.filter(username__iexact=value)
    if agent is not None:
        users = users.exclude(pk=agent.pk)
    if users.exists():
        raise ValidationError(
            _("An agent with the address %(address)s already exists.") % {"address": value}
        )
    return value


def check_agent_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if len(name) > 300:
        raise ValidationError(_("A name is at most 300 characters."))
    return name


def check_active_agent(user: Any) -> Any:
    """`user` if it is an active agent (to join or lead a team)."""
    if not getattr(user, "is_active", False):
        raise ValidationError(
            _("%(agent)s is deactivated; reactivate them first.") % {"agent": display_name(user)}
        )
    return user


def display_name(user: Any) -> str:
    return str(user.get_full_name() or user.username)
