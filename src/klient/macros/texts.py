"""What a mention in an internal note tells the agent mentioned, worded when they read it
(klient.core.texts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

MENTION = "mention"


def mention(params: Mapping[str, Any]) -> str:
    return _("%(who)s mentioned you in a note on %(reference)s “%(subject)s”") % {
        "who": params.get("who") or _("An agent"),
        "reference": params["reference"],
        "subject": params["subject"],
    }


TEXTS = {MENTION: mention}
