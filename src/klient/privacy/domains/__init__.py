"""One module per domain that holds something about a customer. Each has

- `export(scope) -> dict`: its part of customer.json (top-level keys of its own);
- `preview(scope) -> dict[str, int]`: how many rows of each kind an erasure would change;
- `erase(scope, counts)`: erase them, adding what it changed to `counts` (0 the second time);
- optionally `files(scope) -> list[(path in the zip, blob digest)]`.

DOMAINS lists them in the order an erasure runs: content first (it reads the rows that
name the customer), then what only quotes it, then the customer and identities, last. A
new domain is one module here and one line in DOMAINS."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

DOMAINS: list[str] = [
    "klient.privacy.domains.attachments",
    "klient.privacy.domains.mail",
    "klient.privacy.domains.phone",
    "klient.privacy.domains.portal",
    "klient.privacy.domains.collab",
    "klient.privacy.domains.surveys",
    "klient.privacy.domains.promises",  # issue 17: promises quote replies
    "klient.privacy.domains.scheduling",
    "klient.privacy.domains.notifications",
    "klient.privacy.domains.events",
    "klient.privacy.domains.search",
    "klient.privacy.domains.copies",
    "klient.privacy.domains.conversations",
    "klient.privacy.domains.people",
]


def modules() -> list[ModuleType]:
    return [import_module(path) for path in DOMAINS]
