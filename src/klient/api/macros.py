"""/macros: the saved replies a caller may use, and one rendered for a conversation.

Thin: scope through macros.queries (a macro one may not use is a 404) and
conversations.access; rendering never changes anything (tags are added only when an agent
inserts a macro in the workspace)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from klient.conversations.access import access_conversation
from klient.macros.models import Macro
from klient.macros.placeholders import Context, render
from klient.macros.queries import rendered, usable_macro, usable_macros, version_for

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["macros"])


class MacroOut(Schema):
    id: int
    name: str
    languages: list[str] = Field(description="Languages it is written in.")
    default_language: str
    shared: bool
    team: str | None = Field(description="The only team that may use it, if any.")
    owner: str = Field(description="Email of the agent who owns it.")
    set_status: str = Field(description="Status preselected for the reply ('' keeps it).")
    add_tags: list[str] = Field(description="Tags put on the conversation when used.")


class RenderedOut(Schema):
    macro: int
    conversation: str | None
    language: str = Field(description="Language of the version used.")
    text: str
    set_status: str
    add_tags: list[str]


def _out(macro: Macro) -> MacroOut:
    return MacroOut(
        id=macro.pk,
        name=macro.name,
        languages=sorted(v.language for v in macro.versions.all()),
        default_language=macro.default_language,
        shared=macro.shared,
        team=macro.team.name if macro.team else None,
        owner=macro.owner.email,
        set_status=macro.set_status,
        add_tags=list(macro.add_tags),
    )


@router.get("", response=list[MacroOut], summary="Saved replies you may use")
def list_macros(request: HttpRequest) -> list[MacroOut]:
    return [_out(macro) for macro in usable_macros(caller(request))]


@router.get(
    "/{id}/render",
    response={200: RenderedOut, 404: ErrorOut},
    summary="A saved reply's text, placeholders filled",
    description="With `conversation` (a reference such as K-1042) the version in the "
    "conversation's language (else the default one) with its placeholders filled; without "
    "it, the version in `language` (else the default) with placeholders left empty.",
)
def render_macro(
    request: HttpRequest, id: int, conversation: str | None = None, language: str = ""
) -> RenderedOut:
    agent = caller(request)
    macro = usable_macro(agent, id)
    if conversation:
        target = access_conversation(agent, conversation)
        text, used = rendered(macro, target, agent)
        reference: str | None = target.reference
    else:
        version = version_for(macro, language)
        text, used = (render(version.body, Context()), version.language) if version else ("", "")
        reference = None
    return RenderedOut(
        macro=macro.pk,
        conversation=reference,
        language=used,
        text=text,
        set_status=macro.set_status,
        add_tags=list(macro.add_tags),
    )
