"""What sentiment does after other changes commit (klient.core.wiring). Only dotted paths
here: this table is read while the apps load."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind
from klient.surveys.events import Kind as SurveyKind

HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.MESSAGE_RECEIVED: ["klient.sentiment.intake.analyse_for_events"],
    SurveyKind.ANSWERED: ["klient.sentiment.intake.recovery_for_bad_ratings"],
    SurveyKind.CHANGED: ["klient.sentiment.intake.recovery_for_bad_ratings"],
}
