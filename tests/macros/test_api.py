"""The saved replies in the API: listed within scope, rendered in the conversation's
language."""

from __future__ import annotations

import pytest
from django.test import Client

from klient.macros.actions import save_macro


def get(user, url):
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {user.api_token}")


@pytest.fixture
def conversation(support_team, receive):
    return receive(
        support_team,
        "olena@mail.example",
        "Доставка",
        "Коли буде доставка?",
        from_name="Олена Шевченко",
        language="uk",
    ).conversation


@pytest.fixture
def macro(agent_anna, support_team):
    return save_macro(
        actor=agent_anna,
        name="Delivery",
        texts={
            "en": "Hello {{ customer.first_name }}",
            "uk": "Добрий день, {{ customer.first_name }}!",
        },
        shared=True,
        team=support_team,
    )


def test_the_list_shows_only_macros_in_scope(macro, agent_anna, agent_bruno):
    assert [m["name"] for m in get(agent_anna, "/api/v1/macros").json()] == ["Delivery"]
    assert get(agent_bruno, "/api/v1/macros").json() == []


def test_render_uses_the_conversation_language(macro, conversation, agent_anna):
    response = get(
        agent_anna, f"/api/v1/macros/{macro.pk}/render?conversation={conversation.reference}"
    )
    assert response.status_code == 200
    assert response.json()["language"] == "uk"
    assert response.json()["text"] == "Добрий день, Олена!"


def test_render_is_a_404_for_a_conversation_or_macro_out_of_scope(
    macro, conversation, agent_bruno, admin_zofia
):
    mine = save_macro(actor=agent_bruno, name="Bruno's", texts={"en": "Salut"})
    url = f"/api/v1/macros/{mine.pk}/render?conversation={conversation.reference}"
    assert get(agent_bruno, url).status_code == 404  # his macro, not his conversation
    assert get(admin_zofia, f"/api/v1/macros/{mine.pk}/render").status_code == 404  # personal
