"""Personal owners: a customer's advisor and an organisation's account manager are set
through the API and shown on the customer panel of the conversation page."""

from django.urls import reverse

from klient.core.models import Event
from klient.people.models import Customer, Organisation


def test_an_agent_who_sees_the_customer_names_its_personal_owner(call, luc_power_cut, agent_anna):
    customer = luc_power_cut.customer

    response = call(
        agent_anna, "patch", f"/api/v1/customers/{customer.pk}", {"owner": agent_anna.pk}
    )

    assert response.status_code == 200
    assert response.json()["owner"] == {
        "id": agent_anna.pk,
        "name": "Anna Nowak",
        "email": "anna@shop.example",
    }
    assert Customer.objects.get(pk=customer.pk).owner == agent_anna
    event = Event.objects.get(kind="customer.owner_changed")
    assert event.data == {"customer": customer.pk, "from": None, "to": agent_anna.pk}
    assert event.actor == agent_anna


def test_the_same_owner_again_changes_nothing_and_null_clears_it(call, luc_power_cut, agent_anna):
    url = f"/api/v1/customers/{luc_power_cut.customer.pk}"
    call(agent_anna, "patch", url, {"owner": agent_anna.pk})
    call(agent_anna, "patch", url, {"owner": agent_anna.pk})

    response = call(agent_anna, "patch", url, {"owner": None})

    assert response.json()["owner"] is None
    assert Event.objects.filter(kind="customer.owner_changed").count() == 2


def test_an_owner_that_is_no_agent_is_refused(call, luc_power_cut, agent_anna):
    response = call(
        agent_anna, "patch", f"/api/v1/customers/{luc_power_cut.customer.pk}", {"owner": 99999}
    )

    assert response.status_code == 422
    assert "99999" in response.json()["detail"]
    assert Customer.objects.get(pk=luc_power_cut.customer.pk).owner is None


def test_an_administrator_sets_an_organisations_owner(call, luc_power_cut, admin_zofia, agent_anna):
    organisation = Organisation.objects.create(name="Martin SARL")

    response = call(
        admin_zofia, "patch", f"/api/v1/organisations/{organisation.pk}", {"owner": agent_anna.pk}
    )

    assert response.status_code == 200
    assert response.json()["owner"]["id"] == agent_anna.pk
    assert Event.objects.filter(kind="organisation.owner_changed").count() == 1


def test_the_customer_panel_shows_the_owner_theirs_or_their_organisations(
    anna_client, luc_power_cut, agent_anna, admin_zofia
):
    from klient.people.ownership import set_customer_owner, set_organisation_owner

    customer = luc_power_cut.customer
    customer.organisation = Organisation.objects.create(name="Martin SARL")
    customer.save(update_fields=["organisation"])
    set_organisation_owner(customer.organisation, admin_zofia, actor=None)
    page = reverse("workspace:conversation", args=[luc_power_cut.reference])

    assert "Zofia Admin" in anna_client.get(page).content.decode()

    set_customer_owner(customer, agent_anna, actor=None)
    html = anna_client.get(page).content.decode()
    assert 'class="customer-owner"' in html
    assert "Anna Nowak" in html.split('class="customer-owner"')[1][:200]
