"""POST /insights/tone: the tone guard on any text (issue 17), the findings the pre-send
check gives a reply. Any agent with a token may ask; nothing is stored."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from klient.tone import guard

from .schemas import ErrorOut

router = Router(tags=["insights"])

MAX_TEXT = 200_000  # the longest reply an action accepts


class ToneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=MAX_TEXT)
    language: Literal["en", "fr", "pl", "de", "uk"] | None = Field(
        None, description="Detected from the text when not given."
    )


class ToneFindingOut(Schema):
    category: Literal["doubting", "blaming", "condescending", "passive_aggressive", "dismissive"]
    start: int = Field(..., description="Character offset into text: text[start:end] == quote.")
    end: int
    quote: str
    reason: str
    suggestion: str = Field(..., description="A warmer wording.")


class ToneOut(Schema):
    language: str = Field(..., description='The language checked in; "" when not detected.')
    findings: list[ToneFindingOut]


@router.post(
    "/insights/tone",
    response={200: ToneOut, 401: ErrorOut, 422: ErrorOut},
    summary="Check a text's tone: phrasing likely to offend a customer, with warmer wording",
)
def check_tone(request: HttpRequest, payload: ToneIn) -> Any:
    language, findings = guard.check(payload.text, payload.language)
    return {"language": language, "findings": [finding.to_json() for finding in findings]}
