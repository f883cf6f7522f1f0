"""An automation rule as data: parsing the API's body ({"name", "when", "if", "then",
"active"}) into a `RuleSpec`, and checking its conditions against a conversation's
`Facts`. Pure Python, no Django: the choices it checks against are given by the caller
(`Choices`), so the rules are property-tested without a database.

Conditions (docs/automations.md):

| field | value | ops |
|---|---|---|
| team, organisation | an id | is, is_not, in, not_in, is_empty, is_not_empty (organisation) |
| channel, status, priority, language | a string | is, is_not, in, not_in (language also is_empty) |
| tags | a tag name | contains, not_contains (a list: in = any of, not_in = none of) |
| sentiment | negative, neutral, positive (issue 17) | is, is_not, in, not_in, is_empty |

sentiment: the label of the conversation's last analysed inbound customer message.

All conditions of a rule must hold (AND). An empty list always holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# What a time rule counts from: entering a status, or the conversation's creation.
SINCE_STATUS = "status:"
SINCE_CREATED = "created"
MAX_MINUTES = 366 * 24 * 60  # a year: beyond that a timer is a mistake, not a rule
MAX_CONDITIONS = 20
MAX_ACTIONS = 10
MAX_NAME = 120

SCALAR_OPS = ("is", "is_not", "in", "not_in")
EMPTY_OPS = ("is_empty", "is_not_empty")
TAG_OPS = ("contains", "not_contains", "in", "not_in")
FIELDS = (
    "team",
    "channel",
    "status",
    "priority",
    "tags",
    "language",
    "organisation",
    "sentiment",
)
SENTIMENTS = ("negative", "neutral", "positive")
ID_FIELDS = ("team", "organisation")


class SpecError(ValueError):
    """A rule body that cannot be a rule; the message says where and why. `template` is
    the English wording with named {placeholders}, so the caller can word it in the
    reader's language (klient.automations.engine.check_rule); str() is the English."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))


@dataclass(frozen=True)
class Choices:
    """What values are allowed, given by the caller (the models' choices)."""

    events: tuple[str, ...]  # what an event rule may start on
    statuses: tuple[str, ...]
    priorities: tuple[str, ...]
    channels: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class When:
    event: str = ""  # an event rule
    minutes: int = 0  # a time rule: `minutes` after `since`
    business: bool = False
    since: str = ""

    @property
    def is_time(self) -> bool:
        return not self.event

    @property
    def since_status(self) -> str:
        """The status a time rule counts from ("" if it counts from the creation)."""
        return self.since[len(SINCE_STATUS) :] if self.since.startswith(SINCE_STATUS) else ""

    def as_json(self) -> dict[str, Any]:
        if self.event:
            return {"event": self.event}
        return {"after": {"minutes": self.minutes, "business": self.business, "since": self.since}}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "op": self.op}
        if self.op not in EMPTY_OPS:
            data["value"] = list(self.value) if isinstance(self.value, tuple) else self.value
        return data


@dataclass(frozen=True)
class Action:
    action: str
    value: Any = None

    def as_json(self) -> dict[str, Any]:
        return {"action": self.action, "value": self.value}


@dataclass(frozen=True)
class RuleSpec:
    name: str
    when: When
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = ()
    active: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "when": self.when.as_json(),
            "if": [c.as_json() for c in self.conditions],
            "then": [a.as_json() for a in self.actions],
            "active": self.active,
        }


@dataclass(frozen=True)
class Facts:
    """What conditions read of one conversation."""

    team: int
    channel: str
    status: str
    priority: str
    language: str
    organisation: int | None
    tags: frozenset[str] = field(default_factory=frozenset)
    # The label of the last analysed inbound customer message ("" when none is).
    sentiment: str = ""


# -- parsing --------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_when(raw: Any, choices: Choices) -> When:
    if not isinstance(raw, Mapping) or len(raw) != 1 or not ({"event", "after"} & set(raw)):
        raise SpecError(
            'when: give {{"event": …}} or {{"after": {{"minutes": …, "business": …, "since": …}}}}.'
        )
    if "event" in raw:
        event = raw["event"]
        if event not in choices.events:
            raise SpecError(
                "when.event: {event!r} is not one of {allowed}.",
                event=event,
                allowed=", ".join(choices.events),
            )
        return When(event=event)
    after = raw["after"]
    if not isinstance(after, Mapping):
        raise SpecError('when.after: give {{"minutes", "business", "since"}}.')
    unknown = set(after) - {"minutes", "business", "since"}
    if unknown:
        raise SpecError("when.after: unknown keys {keys}.", keys=", ".join(sorted(unknown)))
    minutes = after.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES:
        raise SpecError(
            "when.after.minutes: a whole number of minutes, 1 to {most}.", most=MAX_MINUTES
        )
    business = after.get("business", False)
    if not isinstance(business, bool):
        raise SpecError("when.after.business: true or false.")
    since = after.get("since")
    statuses = [f"{SINCE_STATUS}{s}" for s in choices.statuses]
    if since not in (*statuses, SINCE_CREATED):
        raise SpecError(
            "when.after.since: {since!r} is not one of {allowed}.",
            since=since,
            allowed=", ".join([*statuses, SINCE_CREATED]),
        )
    return When(minutes=minutes, business=business, since=since)


def _values_for(name: str, choices: Choices) -> tuple[str, ...] | None:
    """The allowed values of a string field (None: any string)."""
    return {
        "status": choices.statuses,
        "priority": choices.priorities,
        "channel": choices.channels,
        "sentiment": SENTIMENTS,
    }.get(name)


def _check_scalar(where: str, name: str, value: Any, choices: Choices) -> Any:
    if name in ID_FIELDS:
        if not _is_int(value) or value < 1:
            raise SpecError(
                "{where}.value: a {name} id (a positive whole number).", where=where, name=name
            )
        return value
    if not isinstance(value, str) or not value.strip():
        raise SpecError("{where}.value: a non-empty string.", where=where)
    value = value.strip().lower() if name in ("tags", "language") else value.strip()
    allowed = _values_for(name, choices)
    if allowed is not None and value not in allowed:
        raise SpecError(
            "{where}.value: {value!r} is not one of {allowed}.",
            where=where,
            value=value,
            allowed=", ".join(allowed),
        )
    return value


def parse_condition(raw: Any, index: int, choices: Choices) -> Condition:
    where = f"if[{index}]"
    if not isinstance(raw, Mapping):
        raise SpecError('{where}: give {{"field", "op", "value"}}.', where=where)
    unknown = set(raw) - {"field", "op", "value"}
    if unknown:
        raise SpecError(
            "{where}: unknown keys {keys}.", where=where, keys=", ".join(sorted(unknown))
        )
    name, op = raw.get("field"), raw.get("op")
    if name not in FIELDS:
        raise SpecError(
            "{where}.field: {name!r} is not one of {allowed}.",
            where=where,
            name=name,
            allowed=", ".join(FIELDS),
        )
    ops: tuple[str, ...] = TAG_OPS if name == "tags" else SCALAR_OPS
    if name in ("organisation", "language", "sentiment"):
        ops = (*ops, *EMPTY_OPS)
    if op not in ops:
        raise SpecError(
            "{where}.op: {op!r} does not apply to {name}; use {allowed}.",
            where=where,
            op=op,
            name=name,
            allowed=", ".join(ops),
        )
    if op in EMPTY_OPS:
        if raw.get("value") is not None:
            raise SpecError("{where}.value: {op} takes no value.", where=where, op=op)
        return Condition(name, op)
    if "value" not in raw:
        raise SpecError("{where}.value: missing.", where=where)
    value = raw["value"]
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise SpecError("{where}.value: {op} takes a non-empty list.", where=where, op=op)
        cleaned = tuple(
            dict.fromkeys(_check_scalar(f"{where}", name, item, choices) for item in value)
        )
        return Condition(name, op, cleaned)
    return Condition(name, op, _check_scalar(where, name, value, choices))


def parse_action(raw: Any, index: int, choices: Choices) -> Action:
    """Only the shape and the name; each action checks its own value (actions.table)."""
    where = f"then[{index}]"
    if not isinstance(raw, Mapping):
        raise SpecError('{where}: give {{"action", "value"}}.', where=where)
    unknown = set(raw) - {"action", "value"}
    if unknown:
        raise SpecError(
            "{where}: unknown keys {keys}.", where=where, keys=", ".join(sorted(unknown))
        )
    name = raw.get("action")
    if name not in choices.actions:
        raise SpecError(
            "{where}.action: {name!r} is not one of {allowed}.",
            where=where,
            name=name,
            allowed=", ".join(choices.actions),
        )
    return Action(name, raw.get("value"))


def parse(raw: Any, choices: Choices) -> RuleSpec:
    """The rule a body describes; raises SpecError naming the first problem."""
    if not isinstance(raw, Mapping):
        raise SpecError("A rule is a JSON object.")
    unknown = set(raw) - {"name", "when", "if", "then", "active"}
    if unknown:
        raise SpecError("Unknown keys {keys}.", keys=", ".join(sorted(unknown)))
    name = raw.get("name")
    if not isinstance(name, str) or not " ".join(name.split()):
        raise SpecError("name: give the rule a name.")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise SpecError("name: at most {most} characters.", most=MAX_NAME)
    when = parse_when(raw.get("when"), choices)
    conditions_raw = raw.get("if", [])
    if not isinstance(conditions_raw, list) or len(conditions_raw) > MAX_CONDITIONS:
        raise SpecError("if: a list of at most {most} conditions.", most=MAX_CONDITIONS)
    actions_raw = raw.get("then")
    if not isinstance(actions_raw, list) or not 1 <= len(actions_raw) <= MAX_ACTIONS:
        raise SpecError("then: a list of 1 to {most} actions.", most=MAX_ACTIONS)
    active = raw.get("active", True)
    if not isinstance(active, bool):
        raise SpecError("active: true or false.")
    return RuleSpec(
        name=name,
        when=when,
        conditions=tuple(parse_condition(c, i, choices) for i, c in enumerate(conditions_raw)),
        actions=tuple(parse_action(a, i, choices) for i, a in enumerate(actions_raw)),
        active=active,
    )


# -- checking -------------------------------------------------------------------------------


def _scalar(facts: Facts, name: str) -> Any:
    return getattr(facts, name)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "is": lambda have, want: have == want,
    "is_not": lambda have, want: have != want,
    "in": lambda have, want: have in want,
    "not_in": lambda have, want: have not in want,
    "is_empty": lambda have, want: have in (None, ""),
    "is_not_empty": lambda have, want: have not in (None, ""),
}
_TAG_OPS: dict[str, Callable[[frozenset[str], Any], bool]] = {
    "contains": lambda tags, want: want in tags,
    "not_contains": lambda tags, want: want not in tags,
    "in": lambda tags, want: bool(tags & set(want)),
    "not_in": lambda tags, want: not tags & set(want),
}


def holds(condition: Condition, facts: Facts) -> bool:
    if condition.field == "tags":
        return _TAG_OPS[condition.op](facts.tags, condition.value)
    return _OPS[condition.op](_scalar(facts, condition.field), condition.value)


def matches(conditions: Iterable[Condition], facts: Facts) -> bool:
    """Whether every condition holds for these facts."""
    return all(holds(condition, facts) for condition in conditions)
