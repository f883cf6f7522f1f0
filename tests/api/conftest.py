"""Helpers for the API tests: requests with a bearer token, and conversations of both
teams (Support: Luc's power cuts; Billing: Ola's invoice)."""

from __future__ import annotations

import pytest


@pytest.fixture
def luc_power_cut(support_team, receive):
    """A Support conversation: Luc lost power during the interview."""
    return receive(
        support_team,
        "luc@client.fr",
        "Coupure de courant",
        "Le courant a encore sauté, je reviens dès que possible.",
        from_name="Luc Martin",
        language="fr",
    ).conversation


@pytest.fixture
def ola_invoice(billing_team, receive):
    """A Billing conversation: Ola asks for a VAT invoice."""
    return receive(
        billing_team,
        "ola@klientka.pl",
        "Faktura VAT",
        "Czy mogę dostać fakturę VAT? Podaję NIP.",
        from_name="Ola Kowalska",
        language="pl",
    ).conversation


@pytest.fixture
def attachment_factory(receive):
    """attachment_factory(conversation, filename, data, content_type) -> Attachment: a
    customer message carrying one attachment, stored the way the pipeline stores it."""
    from klient.conversations.incoming import IncomingAttachment
    from klient.conversations.models import Attachment
    from klient.core import blobs

    def _make(conversation, filename, data, content_type):
        message = receive(
            conversation.team,
            conversation.customer.primary_email(),
            conversation.subject,
            "See attached.",
            conversation=conversation,
            attachments=(
                IncomingAttachment(
                    filename=filename,
                    content_type=content_type,
                    blob=blobs.store(data),
                    size=len(data),
                ),
            ),
        )
        return Attachment.objects.get(message=message)

    return _make
