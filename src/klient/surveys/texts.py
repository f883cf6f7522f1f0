"""What surveys tell agents, worded when each reader reads it (klient.core.texts): a bad
rating, to the team lead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
BAD_RATING = "survey.bad_rating"


def rating_words(rating: str) -> str:
    """A rating as the reader reads it: "bad", or "2 of 5"."""
    if rating == "bad":
        return _("bad")
    if rating == "good":
        return _("good")
    return _("%(rating)s of 5") % {"rating": rating}


def bad_rating(params: Mapping[str, Any]) -> str:
    return _("The customer rated %(ref)s %(rating)s in the satisfaction survey.") % {
        "ref": params["ref"],
        "rating": rating_words(str(params["rating"])),
    }


TEXTS = {BAD_RATING: bad_rating}
