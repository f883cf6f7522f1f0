"""Agents sign in with their email address and password, and sign out with a POST."""

from django.urls import reverse


def test_an_agent_signs_in_with_their_email_address_and_lands_in_the_inbox(client, agent_anna):
    response = client.post(
        reverse("workspace:login"),
        {"username": "  Anna@Shop.Example ", "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:inbox")
    inbox = client.get(reverse("workspace:inbox"))
    assert inbox.status_code == 200
    assert "Anna Nowak" in inbox.content.decode()


def test_a_wrong_password_is_refused_and_the_address_stays_typed(client, agent_anna):
    response = client.post(
        reverse("workspace:login"), {"username": "anna@shop.example", "password": "wrong"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "email address and password do not match" in page
    assert 'value="anna@shop.example"' in page
    assert client.get(reverse("workspace:inbox")).status_code == 302


def test_the_inbox_sends_a_stranger_to_the_sign_in_page(client, db):
    response = client.get(reverse("workspace:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))


def test_the_sign_in_page_has_a_labelled_form_with_csrf_protection(client, db):
    page = client.get(reverse("workspace:login")).content.decode()

    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label for="id_username">Email address</label>' in page


def test_signing_out_takes_a_post_and_ends_the_session(anna_client):
    assert anna_client.get(reverse("workspace:logout")).status_code == 405

    response = anna_client.post(reverse("workspace:logout"))

    assert response.status_code == 302
    assert anna_client.get(reverse("workspace:inbox")).status_code == 302
