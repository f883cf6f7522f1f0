"""Story: Anna answers a Polish customer with a saved reply; it comes in Polish with the
customer's first name, and the placeholders are filled safely (no template engine)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from klient.core.models import Event
from klient.macros.actions import delete_macro, save_macro
from klient.macros.models import Macro
from klient.macros.placeholders import Context, render
from klient.macros.queries import rendered, usable_macros

GREETING = {
    "en": "Hello {{ customer.first_name }}, about {{ conversation.reference }}: "
    "{{ agent.first_name }}, {{ team.name }}",
    "pl": "Dzień dobry {{ customer.first_name }}, w sprawie {{ conversation.reference }} — "
    "{{ agent.first_name }} z zespołu {{ team.name }}",
}


@pytest.fixture
def polish_conversation(support_team, receive):
    return receive(
        support_team,
        "k.wisniewska@poczta.example",
        "Faktura",
        "Dzień dobry, proszę o fakturę z numerem NIP.",
        from_name="Katarzyna Wiśniewska",
        language="pl",
    ).conversation


@pytest.fixture
def greeting(agent_anna):
    return save_macro(actor=agent_anna, name="Greeting", texts=GREETING, default_language="en")


def test_placeholders_are_filled_from_a_whitelist():
    context = Context(customer_name="Katarzyna Wiśniewska", reference="K-1042", team_name="Support")
    assert render(
        "Hi {{customer.first_name}} ({{ customer.name }}), {{ conversation.reference }}", context
    ) == ("Hi Katarzyna (Katarzyna Wiśniewska), K-1042")


def test_a_missing_first_name_leaves_no_stray_space():
    assert render("Dzień dobry {{ customer.first_name }},\nDziękujemy!", Context()) == (
        "Dzień dobry,\nDziękujemy!"
    )


def test_template_syntax_is_plain_text_and_values_are_not_expanded_again():
    context = Context(customer_name="{{ agent.name }} {% debug %}", agent_name="Anna")
    assert render("{% now 'Y' %} {{ customer.name }}", context) == (
        "{% now 'Y' %} {{ agent.name }} {% debug %}"
    )


def test_an_unknown_placeholder_is_refused_when_saving(agent_anna):
    with pytest.raises(ValidationError, match=r"customer\.phone"):
        save_macro(actor=agent_anna, name="Bad", texts={"en": "Call {{ customer.phone }}"})
    with pytest.raises(ValidationError, match="not closed"):
        save_macro(actor=agent_anna, name="Bad", texts={"en": "Hi {{ customer.name"})
    assert not Macro.objects.exists()


def test_the_default_language_needs_a_text(agent_anna):
    with pytest.raises(ValidationError):
        save_macro(actor=agent_anna, name="X", texts={"pl": "Cześć"}, default_language="en")


def test_the_version_in_the_conversation_language_is_used(
    greeting, polish_conversation, agent_anna
):
    text, language = rendered(greeting, polish_conversation, agent_anna)
    assert language == "pl"
    assert text == (
        f"Dzień dobry Katarzyna, w sprawie {polish_conversation.reference} — Anna z zespołu Support"
    )


def test_a_language_without_version_falls_back_to_the_default(
    greeting, support_team, receive, agent_anna
):
    german = receive(
        support_team, "sabine@beratung.example", "Rechnung", "Guten Tag", language="de"
    ).conversation
    text, language = rendered(greeting, german, agent_anna)
    assert language == "en"
    assert text.startswith("Hello, about K-")  # Sabine gave no name: no first name


def test_personal_shared_and_team_macros_reach_the_right_agents(
    agent_anna, agent_bruno, admin_zofia, support_team
):
    mine = save_macro(actor=agent_anna, name="Mine", texts={"en": "a"})
    everyone = save_macro(actor=agent_anna, name="Everyone", texts={"en": "b"}, shared=True)
    support = save_macro(
        actor=agent_anna, name="Support only", texts={"en": "c"}, shared=True, team=support_team
    )
    assert set(usable_macros(agent_anna)) == {mine, everyone, support}
    assert set(usable_macros(agent_bruno)) == {everyone}
    assert set(usable_macros(admin_zofia)) == {everyone, support}


def test_only_the_owner_or_an_admin_edits_a_shared_macro(agent_anna, agent_bruno, admin_zofia):
    shared = save_macro(actor=agent_anna, name="Shared", texts={"en": "b"}, shared=True)
    with pytest.raises(PermissionDenied):
        save_macro(actor=agent_bruno, macro=shared, name="Mine now", texts={"en": "x"})
    save_macro(actor=admin_zofia, macro=shared, name="Shared v2", texts={"en": "b2"}, shared=True)
    with pytest.raises(PermissionDenied):
        delete_macro(shared, actor=agent_bruno)
    delete_macro(shared, actor=agent_anna)
    assert list(Event.objects.filter(kind__startswith="macro.").values_list("kind", flat=True)) == [
        "macro.created",
        "macro.updated",
        "macro.deleted",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_picker_inserts_the_polish_text_and_applies_the_macro(polish_conversation, agent_anna):
    macro = save_macro(
        actor=agent_anna,
        name="Invoice sent",
        texts=GREETING,
        set_status="solved",
        add_tags=["Faktura"],
    )
    client = Client()
    client.force_login(agent_anna)
    page = client.get(f"/c/{polish_conversation.reference}/").content.decode()
    assert 'id="macro-picker"' in page and "Invoice sent" in page

    response = client.post(
        "/macros/use/",
        {"macro": macro.pk, "conversation": polish_conversation.reference},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-macro-text="Dzień dobry Katarzyna, w sprawie' in html
    assert 'data-macro-status="solved"' in html
    assert list(polish_conversation.tags.values_list("name", flat=True)) == ["faktura"]
    assert Event.objects.filter(kind="macro.used", conversation=polish_conversation).exists()


def test_the_picker_is_a_404_outside_the_scope(polish_conversation, greeting, agent_bruno):
    client = Client()
    client.force_login(agent_bruno)
    response = client.post(
        "/macros/use/", {"macro": greeting.pk, "conversation": polish_conversation.reference}
    )
    assert response.status_code == 404


def test_macros_are_managed_on_their_pages(agent_anna):
    client = Client()
    client.force_login(agent_anna)
    response = client.post(
        "/macros/new/",
        {
            "name": "Thanks",
            "default_language": "pl",
            "text_pl": "Dziękuję {{ customer.first_name }}!",
            "text_en": "Thanks {{ customer.nickname }}",
        },
    )
    assert response.status_code == 400
    assert "customer.nickname" in response.content.decode()

    response = client.post(
        "/macros/new/",
        {
            "name": "Thanks",
            "default_language": "pl",
            "text_pl": "Dziękuję {{ customer.first_name }}!",
            "add_tags": "vip, invoice",
            "shared": "on",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.shared, macro.add_tags) == (True, ["invoice", "vip"])
    assert "Thanks" in client.get("/macros/").content.decode()
    assert "Dziękuję" in client.get(f"/macros/{macro.pk}/edit/").content.decode()
    assert client.post(f"/macros/{macro.pk}/delete/").status_code == 302
    assert not Macro.objects.exists()
