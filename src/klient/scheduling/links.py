"""The manage link's token: the appointment it opens (only the token's sha256 is stored)."""

from __future__ import annotations

import hashlib

from .models import Appointment


def appointment_by_token(token: str) -> Appointment | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return Appointment.objects.filter(manage_token_hash=digest).first() if token else None
