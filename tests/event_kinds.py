"""Event kinds that only tests write (core.events.append takes EventKind members only)."""

from klient.core.events import EventKind


class ExampleKind(EventKind):
    HAPPENED = "test.happened", "test happened"
    FAILING = "test.failing", "test failing"
    NOBODY_LISTENS = "nobody.listens", "nobody listens"
