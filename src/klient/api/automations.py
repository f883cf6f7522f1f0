"""Automation rules (administrators): GET/POST /automations, GET/PATCH/DELETE
/automations/{id}, POST /automations/{id}/preview (the conversations it would touch now).

Bodies are `{"name", "when", "if", "then", "active"}` (docs/automations.md); a body that is
no rule answers 422 with a detail naming where and why. An agent who is not an
administrator gets 403 on the list and 404 on a rule, as on an unknown one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status

from klient.automations import actions, engine
from klient.automations.models import Rule
from klient.people.access import is_admin

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["automations"])

WHEN = (
    '{"event": "message.received"} or {"after": {"minutes": 4320, "business": true, '
    '"since": "status:pending"}}'
)


class RuleOut(Schema):
    id: int
    name: str
    when: dict[str, Any] = Field(..., description=WHEN)
    if_: list[dict[str, Any]] = Field(
        ..., alias="if", description='[{"field": "status", "op": "is", "value": "pending"}]'
    )
    then: list[dict[str, Any]] = Field(..., description='[{"action": "add_tag", "value": "x"}]')
    active: bool
    created_at: datetime
    updated_at: datetime


class RuleList(Schema):
    items: list[RuleOut]


class PreviewOut(Schema):
    count: int = Field(..., description="How many conversations it would touch now.")
    refs: list[str] = Field(..., description="Their references (at most 500).")


def rule_out(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        **rule.body(),
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }


def _admin(request: HttpRequest) -> Any:
    user = caller(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can manage automation rules."))
    return user


def _rule(request: HttpRequest, rule_id: int) -> tuple[Any, Rule]:
    user = caller(request)
    rule = Rule.objects.filter(pk=rule_id).first() if is_admin(user) else None
    if rule is None:
        raise Http404(_("No such automation rule."))
    return user, rule


@router.get(
    "/automations",
    response={200: RuleList, 401: ErrorOut, 403: ErrorOut},
    by_alias=True,
    summary="The automation rules (administrators)",
)
def list_rules(request: HttpRequest) -> Any:
    _admin(request)
    return {"items": [rule_out(rule) for rule in Rule.objects.all()]}


@router.post(
    "/automations",
    response={201: RuleOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Add an automation rule (administrators)",
)
def create_rule(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    user = _admin(request)
    return Status(201, rule_out(actions.save_rule(payload, actor=user)))


@router.get(
    "/automations/{id}",
    response={200: RuleOut, 401: ErrorOut, 404: ErrorOut},
    by_alias=True,
    summary="One automation rule (administrators)",
)
def get_rule(request: HttpRequest, id: int) -> Any:
    return rule_out(_rule(request, id)[1])


@router.patch(
    "/automations/{id}",
    response={200: RuleOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Change an automation rule: only the keys given (administrators)",
)
def patch_rule(request: HttpRequest, id: int, payload: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    user, rule = _rule(request, id)
    return rule_out(actions.patch_rule(rule, payload, actor=user))


@router.delete(
    "/automations/{id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary="Delete an automation rule (administrators)",
)
def delete_rule(request: HttpRequest, id: int) -> Any:
    user, rule = _rule(request, id)
    actions.delete_rule(rule, actor=user)
    return Status(204, None)


@router.post(
    "/automations/{id}/preview",
    response={200: PreviewOut, 401: ErrorOut, 404: ErrorOut},
    summary="Dry run: the conversations the rule would touch now (changes nothing)",
)
def preview_rule(request: HttpRequest, id: int) -> Any:
    _user, rule = _rule(request, id)
    count, refs = engine.preview(rule)
    return {"count": count, "refs": refs}
