"""An erased customer's portal session ends and her address signs in no more; the CLI:
`klient customer export EMAIL PATH`, `klient customer erase EMAIL --yes` (without --yes:
the preview's counts, nothing changed)."""

from __future__ import annotations

import json
import zipfile

import pytest
from scans import database_hits, file_hits

from klient import cli
from klient.core.models import Event
from klient.portal.models import SignInLink
from portal.portal_helpers import filled, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)


def test_her_portal_session_ends_and_her_address_gets_no_sign_in_link(
    olga, client, call, admin_zofia
):
    portal = signed_in_client(client, olga.persona.email)
    assert (
        olga.persona.text
        in portal.get(f"/portal/c/{olga.conversation.reference}/").content.decode()
    )

    call(admin_zofia, "post", f"/api/v1/customers/{olga.customer.pk}/erase", {"confirm": True})

    page = portal.get(f"/portal/c/{olga.conversation.reference}/")
    assert page.status_code == 302 and olga.persona.text not in page.content.decode()
    client.post("/portal/", {"email": olga.persona.email})
    assert not SignInLink.objects.exists()
    assert database_hits(olga.persona.values()) == []


def test_what_her_request_form_said_is_erased_with_her(
    persona, billing_team, client, call, admin_zofia
):
    from klient.portal.demo import seed_demo
    from klient.portal.models import FormSubmission

    form = seed_demo()
    data = filled(form, email=persona.email, name=persona.name, f_message=persona.text,
                  f_request_type="invoice", f_company=persona.file_text,
                  f_vat_number="526-025-09-95")  # fmt: skip
    assert client.post("/forms/contact/?lang=pl", data).status_code == 200
    submission = FormSubmission.objects.get()
    values = [persona.name, persona.email, persona.text, persona.file_text]
    assert database_hits(values)

    customer = submission.conversation.customer
    response = call(
        admin_zofia, "post", f"/api/v1/customers/{customer.pk}/erase", {"confirm": True}
    )

    assert response.json()["counts"]["form_submissions"] == 1
    assert database_hits(values) == [] and file_hits(values) == []
    submission.refresh_from_db()
    assert submission.data == {} and submission.conversation.channel == "web"


def test_the_cli_exports_her_data_to_a_zip(olga, tmp_path, capsys):
    path = tmp_path / "olga.zip"

    assert cli.main(["customer", "export", olga.persona.email.upper(), str(path)]) == 0

    data = json.loads(zipfile.ZipFile(path).read("customer.json"))
    assert data["customer"]["name"] == olga.persona.name
    assert f"written to {path}" in capsys.readouterr().out
    assert Event.objects.filter(kind="customer.exported", actor=None).count() == 1


def test_the_cli_previews_without_yes_and_erases_with_it(olga, capsys):
    before = database_hits(olga.persona.values())

    assert cli.main(["customer", "erase", olga.persona.email]) == 0
    preview = capsys.readouterr().out
    assert "run again with --yes" in preview and "identities\t2" in preview
    assert database_hits(olga.persona.values()) == before

    assert cli.main(["customer", "erase", olga.persona.email, "--yes"]) == 0
    erased = capsys.readouterr().out
    assert "erased" in erased and "identities\t2" in erased
    assert database_hits(olga.persona.values()) == []
    assert file_hits(olga.persona.values()) == []

    assert cli.main(["customer", "erase", olga.persona.email, "--yes"]) == 0
    assert "nothing to erase" in capsys.readouterr().out


def test_the_cli_says_clearly_when_there_is_no_such_customer(db, tmp_path, capsys):
    assert cli.main(["customer", "export", "nobody@example.com", str(tmp_path / "x.zip")]) == 2
    assert "no customer with the address 'nobody@example.com'" in capsys.readouterr().err


def test_the_cli_says_clearly_when_it_cannot_write_the_zip(olga, tmp_path, capsys):
    missing = tmp_path / "no such folder" / "olga.zip"
    assert cli.main(["customer", "export", olga.persona.email, str(missing)]) == 2
    assert f"cannot write {missing}" in capsys.readouterr().err
