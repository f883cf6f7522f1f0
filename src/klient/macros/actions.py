"""The only writers of saved replies, and using one on a conversation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations import actions as conversation_actions
from klient.conversations.access import is_admin
from klient.conversations.models import Conversation
from klient.people.models import Team

from . import events, placeholders
from .models import LANGUAGES, Macro, MacroVersion
from .queries import may_edit, rendered


def save_macro(
    *,
    actor: Any,
    name: str,
    texts: Mapping[str, str],
    default_language: str = "en",
    shared: bool = False,
    team: Team | None = None,
    set_status: str = "",
    add_tags: Iterable[str] = (),
    macro: Macro | None = None,
) -> Macro:
    """Create or update a macro. `texts` maps a language to its text (empty ones are
    dropped); the default language must have one. Placeholders are checked here, so an
    unknown one is refused when saving, not when a customer would see it."""
    if macro is not None and not may_edit(actor, macro):
        raise PermissionDenied(_("Only its owner or an administrator may change this macro."))
    name = " ".join(name.split())[:120]
    if not name:
        raise ValidationError(_("Give the macro a name."))
    cleaned = {lang: text.strip() for lang, text in texts.items() if lang in LANGUAGES}
    cleaned = {lang: text for lang, text in cleaned.items() if text}
    if default_language not in cleaned:
        raise ValidationError(_("Write the text in the default language."))
    for text in cleaned.values():
        placeholders.check(text)
    if set_status and set_status not in Conversation.Status.values:
        raise ValidationError(_("Unknown status."))
    if team is not None and not is_admin(actor) and not team.members.filter(pk=actor.pk).exists():
        raise ValidationError(_("You can only restrict a macro to a team you belong to."))
    tags = sorted({" ".join(t.split()).lower() for t in add_tags if t.strip()})
    now = timezone.now()
    with transaction.atomic():
        created = macro is None
        if macro is None:
            macro = Macro(owner=actor, created_at=now)
        macro.name, macro.shared, macro.team = name, shared, team
        macro.default_language, macro.set_status, macro.add_tags = (
            default_language,
            set_status,
            tags,
        )
        macro.updated_at = now
        macro.save()
        macro.versions.exclude(language__in=list(cleaned)).delete()
        for lang, text in cleaned.items():
            MacroVersion.objects.update_or_create(
                macro=macro, language=lang, defaults={"body": text}
            )
        events.macro_saved(macro, created=created, actor=actor)
    return macro


def delete_macro(macro: Macro, *, actor: Any) -> None:
    if not may_edit(actor, macro):
        raise PermissionDenied(_("Only its owner or an administrator may delete this macro."))
    with transaction.atomic():
        macro_id, name = macro.pk, macro.name
        macro.delete()
        events.macro_deleted(macro_id, name, actor=actor)


def use_macro(macro: Macro, conversation: Conversation, *, actor: Any) -> tuple[str, str]:
    """The macro's text for the conversation, in its language, as (text, language). Its
    tags go on the conversation now; its status is applied when the reply is sent (the
    caller preselects it in the reply form)."""
    text, language = rendered(macro, conversation, actor)
    with transaction.atomic():  # its tags and the record of its use, together
        if macro.add_tags:
            conversation_actions.set_tags(conversation, actor=actor, add=macro.add_tags)
        events.macro_used(macro, conversation, language=language, actor=actor)
    return text, language
