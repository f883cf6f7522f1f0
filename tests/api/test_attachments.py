"""Attachments are only ever downloads: attachment disposition with a safe name,
nosniff, a sandboxing CSP, and a harmless content type."""

from urllib.parse import unquote

import pytest

URL = "/api/v1/attachments"


def test_a_download_is_an_attachment_that_is_never_rendered(
    call, agent_anna, luc_power_cut, attachment_factory
):
    attachment = attachment_factory(
        luc_power_cut, "facture.pdf", b"%PDF-1.4 ...", "application/pdf"
    )

    response = call(agent_anna, "get", f"{URL}/{attachment.pk}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ..."
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"facture.pdf\"; filename*=UTF-8''facture.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("declared", "served"),
    [
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
        ("IMAGE/PNG", "image/png"),
        ("text/plain; charset=utf-8", "text/plain"),
    ],
)
def test_only_safe_types_keep_their_content_type(
    call, agent_anna, luc_power_cut, attachment_factory, declared, served
):
    attachment = attachment_factory(luc_power_cut, "file", b"<script>alert(1)</script>", declared)

    response = call(agent_anna, "get", f"{URL}/{attachment.pk}")

    assert response["Content-Type"] == served


def test_a_hostile_filename_cannot_break_the_header(
    call, agent_anna, luc_power_cut, attachment_factory
):
    name = 'fa"c\r\nSet-Cookie: x=1;\u202eture ż.pdf'
    attachment = attachment_factory(luc_power_cut, name, b"data", "application/pdf")

    response = call(agent_anna, "get", f"{URL}/{attachment.pk}")

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "\r" not in disposition and "\n" not in disposition
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and '"' not in fallback
    exact = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert "ż" in exact and "\u202e" not in exact and "\n" not in exact
    assert not response.has_header("Set-Cookie")


def test_an_attachment_outside_the_scope_is_a_404(
    call, agent_bruno, luc_power_cut, attachment_factory
):
    attachment = attachment_factory(luc_power_cut, "photo.png", b"png", "image/png")

    response = call(agent_bruno, "get", f"{URL}/{attachment.pk}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_a_missing_attachment_is_a_404(call, agent_anna, luc_power_cut):
    assert call(agent_anna, "get", f"{URL}/999999").status_code == 404


def test_a_download_needs_a_token(client, luc_power_cut, attachment_factory):
    attachment = attachment_factory(luc_power_cut, "photo.png", b"png", "image/png")

    assert client.get(f"{URL}/{attachment.pk}").status_code == 401
