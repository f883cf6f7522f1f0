"""/settings/forms/: administrators create and edit request forms (name, team, address,
fields added, removed and reordered, labels per language, required flag, kinds) and
publish or withdraw them; the public form shows each change at once. Others get 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from portal_helpers import old_enough

from klient.conversations.models import Conversation
from klient.core.models import Event
from klient.portal.demo import seed_demo
from klient.portal.form_admin import form_spec
from klient.portal.models import LANGUAGE_CODES, FormField, FormSubmission, RequestForm

pytestmark = pytest.mark.django_db

LIST = reverse("form_settings:forms")
NEW = reverse("form_settings:form_new")


@pytest.fixture
def contact_form(billing_team) -> RequestForm:
    return seed_demo()


def row(key, label, *, kind="text", id=None, order=None, delete=False, **extra):
    return {"id": id, "key": key, "label_en": label, "kind": kind, "ORDER": order, **extra}


def rows_of(form: RequestForm) -> list[dict]:
    """The form's fields as the edit page posts them back, unchanged."""
    posted = []
    for position, spec in enumerate(form_spec(form).fields, start=1):
        data = {
            "id": spec.id,
            "key": spec.key,
            "kind": spec.kind,
            "ORDER": position,
            "choices": spec.choices,
            "required_if": spec.required_if,
            "required_if_value": spec.required_if_value,
        }
        if spec.required:
            data["required"] = "on"
        for code in LANGUAGE_CODES:
            data[f"label_{code}"] = spec.labels[code]
            data[f"help_{code}"] = spec.helps[code]
        posted.append(data)
    return posted


def payload(rows: list[dict], *, initial: int, **settings) -> dict:
    data = {
        "team": settings.pop("team"),
        "slug": settings.pop("slug", "returns"),
        "title_en": settings.pop("title_en", "Returns"),
        "is_active": "on",
        "fields-TOTAL_FORMS": len(rows),
        "fields-INITIAL_FORMS": initial,
        "fields-MIN_NUM_FORMS": 0,
        "fields-MAX_NUM_FORMS": 1000,
        **settings,
    }
    for index, fields in enumerate(rows):
        for name, value in fields.items():
            if value is None or value is False:
                continue
            data[f"fields-{index}-{name}"] = "on" if value is True else value
    return data


def edit_url(form: RequestForm) -> str:
    return reverse("form_settings:form", args=[form.pk])


def public_page(client: Client, form: RequestForm, language: str = "en") -> str:
    response = client.get(f"/forms/{form.slug}/?lang={language}")
    assert response.status_code == 200
    return response.content.decode()


def test_an_administrator_sees_the_forms(zofia_client, contact_form):
    page = zofia_client.get(LIST).content.decode()

    assert "Contact us" in page
    assert "/forms/contact/" in page
    assert "5 fields" in page


@pytest.mark.parametrize("name", ["forms", "form_new", "form", "form_active"])
def test_other_agents_get_403(anna_client, contact_form, name):
    args = [contact_form.pk] if name in ("form", "form_active") else []
    url = reverse(f"form_settings:{name}", args=args)
    method = anna_client.post if name == "form_active" else anna_client.get

    assert method(url, {"active": "0"} if name == "form_active" else {}).status_code == 403
    assert RequestForm.objects.get(pk=contact_form.pk).is_active


def test_creating_a_form_with_fields_publishes_it(zofia_client, client, support_team):
    rows = [
        row("order_number", "Order number", order=1, required=True, label_pl="Numer zamówienia"),
        row("reason", "Reason", kind="choice", order=2, choices="broken | Broken\nother | Other"),
        row("", "", order=None),  # the empty row for another field
    ]

    response = zofia_client.post(NEW, payload(rows, initial=0, team=support_team.pk))

    assert response.status_code == 302
    form = RequestForm.objects.get(slug="returns")
    assert (form.team, form.title_en, form.is_active) == (support_team, "Returns", True)
    assert [(f.key, f.kind, f.required) for f in form.fields.all()] == [
        ("order_number", "text", True),
        ("reason", "choice", False),
    ]
    event = Event.objects.get(kind="form.created")
    assert event.data["fields"] == ["order_number", "reason"]
    assert "Numer zamówienia" in public_page(client, form, "pl")


def test_the_edit_page_shows_every_field_with_its_translations(zofia_client, contact_form):
    page = zofia_client.get(edit_url(contact_form)).content.decode()

    assert 'value="vat_number"' in page
    assert 'value="NIP (numer VAT)"' in page
    assert "New field" in page


def test_fields_added_removed_reordered_and_relabelled_show_on_the_public_form(
    zofia_client, client, contact_form
):
    rows = rows_of(contact_form)
    by_key = {r["key"]: r for r in rows}
    by_key["message"]["ORDER"] = 1  # first
    by_key["request_type"]["ORDER"] = 2
    by_key["message"]["label_pl"] = "Twoja wiadomość"
    by_key["attachment"]["DELETE"] = True
    rows.append(row("phone", "Phone number", order=9, label_pl="Telefon"))

    response = zofia_client.post(
        edit_url(contact_form),
        payload(rows, initial=5, team=contact_form.team.pk, slug="contact", title_en="Contact us"),
    )

    assert response.status_code == 302
    keys = list(contact_form.fields.values_list("key", flat=True))
    assert keys == ["message", "request_type", "company", "vat_number", "phone"]
    page = public_page(client, contact_form, "pl")
    assert page.index("Twoja wiadomość") < page.index("Rodzaj sprawy") < page.index("Telefon")
    assert "Załącznik" not in page
    event = Event.objects.get(kind="form.changed")
    assert event.data["fields_added"] == ["phone"]
    assert event.data["fields_removed"] == ["attachment"]
    assert event.data["fields_changed"] == ["message"]
    assert event.data["reordered"] is True


def test_a_field_made_required_is_required_on_the_public_form(zofia_client, client, contact_form):
    rows = rows_of(contact_form)
    next(r for r in rows if r["key"] == "company").update(
        required="on", required_if="", required_if_value=""
    )
    zofia_client.post(
        edit_url(contact_form),
        payload(rows, initial=5, team=contact_form.team.pk, slug="contact", title_en="Contact us"),
    )

    response = client.post(
        "/forms/contact/",
        {
            "email": "ola@example.com",
            "subject": "Hello",
            "f_request_type": "question",
            "f_message": "Hi",
            "started": old_enough("contact"),
            "nonce": "c" * 32,
        },
    )

    assert response.status_code == 400
    assert 'name="f_company"' in response.content.decode()
    assert FormField.objects.get(key="company").required_if is None
    assert not Conversation.objects.exists()


def test_a_withdrawn_form_is_not_public_until_published_again(zofia_client, client, contact_form):
    active = reverse("form_settings:form_active", args=[contact_form.pk])

    zofia_client.post(active, {"active": "0"})
    withdrawn = client.get("/forms/contact/").status_code
    zofia_client.post(active, {"active": "1"})

    assert (withdrawn, client.get("/forms/contact/").status_code) == (404, 200)
    kinds = ["form.disabled", "form.enabled"]
    assert list(Event.objects.filter(kind__in=kinds).values_list("kind", flat=True)) == kinds


def test_a_refused_change_shows_the_error_on_its_row_and_saves_nothing(zofia_client, contact_form):
    rows = rows_of(contact_form)
    rows.append(row("message", "Second message", order=9))
    next(r for r in rows if r["key"] == "company")["required_if"] = "nowhere"

    response = zofia_client.post(
        edit_url(contact_form),
        payload(rows, initial=5, team=contact_form.team.pk, slug="contact", title_en=""),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Two fields have the key message." in page
    assert "Name another field of this form." in page
    assert "A form needs an English title." in page
    assert RequestForm.objects.get(pk=contact_form.pk).title_en == "Contact us"
    assert contact_form.fields.count() == 5
    assert not Event.objects.filter(kind="form.changed").exists()


def test_removing_a_field_keeps_what_earlier_submissions_said(zofia_client, client, contact_form):
    client.post(
        "/forms/contact/",
        {
            "email": "ola@example.com",
            "subject": "Hello",
            "f_request_type": "question",
            "f_message": "Kept",
            "started": old_enough("contact"),
            "nonce": "d" * 32,
        },
    )
    rows = [r for r in rows_of(contact_form) if r["key"] != "message"]
    for position, kept in enumerate(rows, start=1):
        kept["ORDER"] = position

    zofia_client.post(
        edit_url(contact_form),
        payload(rows, initial=4, team=contact_form.team.pk, slug="contact", title_en="Contact us"),
    )

    assert not contact_form.fields.filter(key="message").exists()
    assert FormSubmission.objects.get().data["message"] == "Kept"


def test_an_administrator_adds_a_call_me_back_field_and_the_public_form_offers_it(
    zofia_client, client, contact_form
):
    rows = rows_of(contact_form)
    rows.append(row("call_me", "Call me back", kind="callback", order=9, label_de="Rückruf"))

    response = zofia_client.post(
        edit_url(contact_form),
        payload(rows, initial=5, team=contact_form.team.pk, slug="contact", title_en="Contact us"),
    )

    assert response.status_code == 302
    assert contact_form.fields.get(key="call_me").kind == "callback"
    page = public_page(client, contact_form, "de")
    assert "Rückruf" in page
    assert 'name="f_call_me_phone"' in page and 'name="f_call_me_until"' in page
